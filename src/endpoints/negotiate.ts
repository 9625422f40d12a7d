// Content negotiation: which representation a response is written in (JSON, YAML, Table,
// PartialObjectMetadata) and how a request body is decoded.
import type { Request } from 'express';
import { builtinCatalog } from '../api/catalog.js';
import { errors } from '../api/errors.js';
import { protobufMediaType } from '../api/protobuf/index.js';
import { isGoMediaType } from './media-type.js';

export type Format = 'json' | 'yaml' | 'protobuf';
/** What the response carries: the object itself, or one of meta.k8s.io's transformed views. */
export type View = 'object' | 'Table' | 'PartialObjectMetadata' | 'PartialObjectMetadataList';

export interface Negotiated {
  format: Format;
  view: View;
  /** The Content-Type to answer with. */
  contentType: string;
}

interface MediaRange {
  type: string;
  params: Record<string, string>;
  q: number;
}

export function parseAccept(header: string | undefined): MediaRange[] {
  if (!header) return [];
  const ranges: MediaRange[] = [];
  for (const part of header.split(',')) {
    const [typ, ...rest] = part.split(';').map(s => s.trim());
    if (!typ) continue;
    const params: Record<string, string> = {};
    let q = 1;
    for (const p of rest) {
      const eq = p.indexOf('=');
      if (eq < 0) continue;
      const k = p.slice(0, eq).trim().toLowerCase();
      const v = p.slice(eq + 1).trim().replace(/^"|"$/g, '');
      if (k === 'q') q = Number(v);
      else params[k] = v;
    }
    ranges.push({ type: typ.toLowerCase(), params, q: Number.isFinite(q) ? q : 1 });
  }
  // Stable sort by q (upstream honours q for its own negotiation the same way).
  return ranges.map((r, i) => ({ r, i })).sort((a, b) => b.r.q - a.r.q || a.i - b.i).map(x => x.r);
}

const jsonTypes = new Set(['application/json', 'application/*', '*/*']);

function formatOf(type: string): Format | undefined {
  if (jsonTypes.has(type)) return 'json';
  if (type === 'application/yaml') return 'yaml';
  return undefined;
}

// ---- protobuf (src/api/protobuf) ----
/** Only built-in resources have a protobuf form; custom resources answer in JSON. */
function servesProtobuf(req: Request): boolean {
  const ri = req.requestInfo;
  return !!ri?.isResourceRequest && builtinCatalog().lookup(ri.apiGroup, ri.apiVersion, ri.resource) !== undefined;
}

/**
 * A protobuf media range, if the endpoint can answer it. As upstream: PartialObjectMetadata
 * (any resource, custom ones too) but never a Table, which is JSON and YAML only.
 */
function protobufRange(req: Request, r: MediaRange, allowed: View[]): Negotiated | undefined {
  const as = r.params['as'];
  if (as === undefined) return servesProtobuf(req) ? { format: 'protobuf', view: 'object', contentType: protobufMediaType } : undefined;
  if (as !== 'PartialObjectMetadata' && as !== 'PartialObjectMetadataList') return undefined;
  if (r.params['g'] !== 'meta.k8s.io' || r.params['v'] !== 'v1' || !allowed.includes(as)) return undefined;
  return { format: 'protobuf', view: as, contentType: `${protobufMediaType};as=${as};g=meta.k8s.io;v=v1` };
}

/**
 * Whether an error Status should go out in protobuf: upstream negotiates error bodies like
 * responses, so a client that prefers protobuf for a built-in resource gets a protobuf Status.
 */
export function statusInProtobuf(req: Request): boolean {
  for (const r of parseAccept(req.headers.accept)) {
    if (r.q <= 0) continue;
    if (r.type === protobufMediaType && r.params['as'] === undefined) return servesProtobuf(req);
    if (formatOf(r.type)) return false;
  }
  return false;
}
// ---- end protobuf ----

/**
 * Picks the response representation. `allowed` lists the transformed views the endpoint can
 * produce (a Table for get/list/watch, PartialObjectMetadata for get/list).
 */
export function negotiate(req: Request, allowed: View[]): Negotiated {
  const ranges = parseAccept(req.headers.accept);
  if (ranges.length === 0) return { format: 'json', view: 'object', contentType: 'application/json' };
  for (const r of ranges) {
    if (r.q <= 0) continue;
    if (r.type === protobufMediaType) {
      const pb = protobufRange(req, r, allowed);
      if (pb) return pb;
      continue;
    }
    const format = formatOf(r.type);
    if (!format) continue;
    const as = r.params['as'];
    if (as === undefined) {
      return { format, view: 'object', contentType: format === 'json' ? 'application/json' : 'application/yaml' };
    }
    const group = r.params['g'];
    const version = r.params['v'];
    if (group !== 'meta.k8s.io' || (version !== 'v1' && version !== 'v1beta1')) continue;
    if (!allowed.includes(as as View)) continue;
    const view = as as View;
    return { format, view, contentType: `${format === 'json' ? 'application/json' : 'application/yaml'};as=${view};g=meta.k8s.io;v=${version}` };
  }
  throw errors.notAcceptable('only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf');
}

export type BodyType = 'json' | 'yaml' | 'protobuf' | 'json-patch' | 'merge-patch' | 'strategic-merge-patch' | 'apply-patch';

const bodyMediaTypes = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];

/** The request's body media type, without parameters. */
export function requestBodyType(req: Request, patch: boolean): BodyType {
  const raw = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (patch) {
    switch (raw) {
      case 'application/json-patch+json': return 'json-patch';
      case 'application/merge-patch+json': return 'merge-patch';
      case 'application/strategic-merge-patch+json': return 'strategic-merge-patch';
      case 'application/apply-patch+yaml': return 'apply-patch';
      default:
        throw errors.unsupportedMediaType(['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml', 'application/strategic-merge-patch+json']);
    }
  }
  const header = req.headers['content-type'] ?? '';
  if (header !== '' && !isGoMediaType(header)) throw errors.unsupportedMediaType(bodyMediaTypes);
  if (raw === '' || raw === 'application/json') return 'json';
  if (raw === 'application/yaml' || raw === 'application/x-yaml' || raw === 'text/yaml') return 'yaml';
  if (raw === protobufMediaType) return 'protobuf';
  throw errors.unsupportedMediaType(bodyMediaTypes);
}
