// Writes objects, lists and watch events in the negotiated representation.
import type { Response } from 'express';
import { stringify as toYaml } from 'yaml';
import { encodeProtobufList, hasProtobufForm } from '../api/protobuf/index.js';
import { errors } from '../api/errors.js';
import type { ResourceInfo } from '../api/resource-info.js';
import { groupVersion } from '../api/resource-info.js';
import type { KubeObject, ListMeta } from '../api/types.js';
import type { Negotiated } from './negotiate.js';
import { jsonOf } from '../storage/shared.js';
import { encodeBody, partialMetadataOf } from './encoded.js';
import { endBody } from './compression.js';
import { tableColumns, tableRow, toTable, type IncludeObject } from './table.js';

export interface ViewOptions {
  includeObject: IncludeObject;
}

function send(res: Response, neg: Negotiated, status: number, body: unknown): void {
  // protobuf (src/api/protobuf); a body without a protobuf form is answered in JSON.
  if (neg.format === 'protobuf' && !hasProtobufForm(body)) neg = { ...neg, format: 'json', contentType: 'application/json' };
  res.status(status).setHeader('Content-Type', neg.contentType);
  const bytes = encodeBody(neg.format, body);
  endBody(res, bytes, typeof bytes === 'string' ? Buffer.byteLength(bytes) : bytes.length);
}

/** Go's %T of what upstream transforms: a built-in's internal type, Unstructured for a custom resource. */
function goTypeOf(info: ResourceInfo, list: boolean): string {
  if (info.custom) return list ? '*unstructured.UnstructuredList' : '*unstructured.Unstructured';
  const group = info.storageGroup ?? info.group;
  const pkg = group === '' ? 'core' : group === 'internal.apiserver.k8s.io' ? 'apiserverinternal' : group.split('.')[0]!;
  return `*${pkg}.${info.kind}${list ? 'List' : ''}`;
}

export function writeObject(res: Response, neg: Negotiated, info: ResourceInfo, status: number, obj: KubeObject | object, view: ViewOptions): void {
  if (neg.view === 'PartialObjectMetadataList') {
    throw errors.notAcceptable(`you requested PartialObjectMetadataList, but the requested object is not a list (${goTypeOf(info, false)})`);
  }
  const o = obj as KubeObject;
  if (neg.view === 'Table' && o.metadata) {
    send(res, neg, status, toTable(info, [o], { includeObject: view.includeObject }));
  } else if (neg.view === 'PartialObjectMetadata' && o.metadata) {
    send(res, neg, status, partialMetadataOf(o));
  } else {
    send(res, neg, status, obj);
  }
}

function listMetaOf(rv: string, cont?: string, remaining?: number): ListMeta {
  // ListMeta's resourceVersion is omitempty: lists served without storage (componentstatuses) have none.
  const m: ListMeta = rv ? { resourceVersion: rv } : {};
  if (cont) m.continue = cont;
  if (remaining !== undefined) m.remainingItemCount = remaining;
  return m;
}

const COMMA = Buffer.from(',');
const LIST_END = Buffer.from(']}');

/** Streams a list item by item so a large list is never one giant string in memory. */
export function writeList(res: Response, neg: Negotiated, info: ResourceInfo, items: KubeObject[], rv: string, cont: string | undefined, remaining: number | undefined, view: ViewOptions): void {
  if (neg.view === 'PartialObjectMetadata') {
    throw errors.notAcceptable(`you requested PartialObjectMetadata, but the requested object is a list (${goTypeOf(info, true)})`);
  }
  const metadata = listMetaOf(rv, cont, remaining);
  let head: Record<string, unknown>;
  let rows: (o: KubeObject) => unknown;
  let field = 'items';
  if (neg.view === 'Table') {
    head = { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata, columnDefinitions: tableColumns(info) };
    const now = new Date();
    rows = o => tableRow(info, o, view.includeObject, now);
    field = 'rows';
  } else if (neg.view === 'PartialObjectMetadataList') {
    head = { kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata };
    rows = o => partialMetadataOf(o);
  } else {
    head = { kind: `${info.kind}List`, apiVersion: groupVersion(info), metadata };
    rows = o => o;
  }
  // protobuf (src/api/protobuf): the enveloped list; a list without a protobuf form goes out as JSON.
  if (neg.format === 'protobuf' && hasProtobufForm(head)) {
    res.status(200).setHeader('Content-Type', neg.contentType);
    const pieces = encodeProtobufList(head, items.map(rows));
    endBody(res, pieces, byteLength(pieces));
    return;
  }
  if (neg.format === 'protobuf') neg = { ...neg, format: 'json', contentType: 'application/json' };
  res.status(200).setHeader('Content-Type', neg.contentType);
  if (neg.format === 'yaml') {
    const text = toYaml({ ...head, [field]: items.map(rows) });
    endBody(res, text, Buffer.byteLength(text));
    return;
  }
  const headJson = JSON.stringify(head);
  // The items' JSON bytes (cached on shared objects) as they are, between the envelope's pieces.
  const pieces: Buffer[] = [Buffer.from(`${headJson.slice(0, -1)},"${field}":[`)];
  for (let i = 0; i < items.length; i++) {
    if (i) pieces.push(COMMA);
    pieces.push(jsonOf(rows(items[i]!)));
  }
  pieces.push(LIST_END);
  endBody(res, pieces, byteLength(pieces));
}

function byteLength(pieces: readonly Uint8Array[]): number {
  let n = 0;
  for (const p of pieces) n += p.length;
  return n;
}
