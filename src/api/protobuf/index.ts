// The protobuf wire codec of built-in kinds (`application/vnd.kubernetes.protobuf`): enveloped
// objects for request and response bodies, lists, and watch frames.
import { errors, isApiError } from '../errors.js';
import type { KubeObject } from '../types.js';
import { rawFieldTag, readEnvelope, writeEnvelopeHead, writeEnvelopeTail } from './envelope.js';
import { messageForKind, messageSpec } from './schema.js';
import { ProtoEncodeError } from './special-types.js';
import { decodeMessage } from './compile-decode.js';
import { encodeMessage } from './compile-encode.js';
import { ProtoWriter } from './writer.js';
import { type Writer, delimitedEnd, eachField, expectWire, newReader, newWriter, ProtoDecodeError, skipField, tagOf, WireType } from './wire.js';

export const protobufMediaType = 'application/vnd.kubernetes.protobuf';
/** The Content-Type of a protobuf watch stream. */
export const protobufWatchMediaType = `${protobufMediaType};stream=watch`;

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash >= 0 ? { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) } : { group: '', version: apiVersion };
}

const gvString = (g: { group: string; version: string }) => (g.group ? `${g.group}/${g.version}` : g.version);

/** Whether a kind has a protobuf form: built-in kinds do, custom resources do not. */
export function supportsProtobuf(group: string, version: string, kind: string): boolean {
  return messageForKind(group, version, kind) !== undefined;
}

/** Whether an object (its apiVersion and kind) has a protobuf form. */
export function hasProtobufForm(obj: unknown): boolean {
  if (typeof obj !== 'object' || obj === null) return false;
  const { apiVersion, kind } = obj as Record<string, unknown>;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return false;
  const { group, version } = splitApiVersion(apiVersion);
  return supportsProtobuf(group, version, kind);
}

/** upstream's copyKindDefaults: the body's group/version/kind, completed from the request's. */
function withDefaults(body: GroupVersionKind, defaults: GroupVersionKind | undefined): GroupVersionKind {
  if (!defaults) return body;
  const out = { ...body };
  if (out.kind === '') out.kind = defaults.kind;
  if (out.version === '' && out.group === '') {
    out.group = defaults.group;
    out.version = defaults.version;
  }
  if (out.version === '' && out.group === defaults.group) out.version = defaults.version;
  return out;
}

function checkExpected(actual: GroupVersionKind, expected: GroupVersionKind): void {
  const prefix = `${actual.kind} in version "${actual.version}" cannot be handled as a ${expected.kind}`;
  if (actual.kind !== expected.kind) {
    if (supportsProtobuf(actual.group, actual.version, actual.kind)) {
      const pkg = expected.group === '' ? 'core' : (expected.group.split('.')[0] ?? expected.group);
      throw errors.badRequest(`${prefix}: converting (${actual.version}.${actual.kind}) to (${pkg}.${expected.kind}): unknown conversion`);
    }
    throw errors.badRequest(`${prefix}: no kind "${actual.kind}" is registered for version "${gvString(actual)}" in scheme "pkg/api/legacyscheme/scheme.go:30"`);
  }
  if (actual.group !== expected.group || actual.version !== expected.version) {
    throw errors.badRequest(`the API version in the data (${gvString(actual)}) does not match the expected API version (${gvString(expected)})`);
  }
}

/**
 * Decodes an enveloped body into the JSON-shaped object upstream's Go types would write, with
 * apiVersion and kind set. `expected` (the request's kind) fills what the envelope leaves empty
 * and must match it. Throws 400 BadRequest on malformed input.
 */
export function decodeProtobufObject(buf: Buffer, expected?: GroupVersionKind): KubeObject {
  try {
    const env = readEnvelope(buf);
    const gvk = withDefaults({ ...splitApiVersion(env.apiVersion), kind: env.kind }, expected);
    if (gvk.kind === '') throw errors.badRequest(`Object 'Kind' is missing in '${JSON.stringify({ apiVersion: env.apiVersion, kind: env.kind })}'`);
    if (gvk.version === '') throw errors.badRequest(`Object 'apiVersion' is missing in '${JSON.stringify({ apiVersion: env.apiVersion, kind: env.kind })}'`);
    if (expected) checkExpected(gvk, expected);
    const message = messageForKind(gvk.group, gvk.version, gvk.kind);
    if (!message) throw errors.badRequest(`no kind "${gvk.kind}" is registered for version "${gvString(gvk)}" in scheme "pkg/api/legacyscheme/scheme.go:30"`);
    const r = newReader(env.raw);
    const body = decodeMessage(r, r.len, message) as Record<string, unknown>;
    return { kind: gvk.kind, apiVersion: gvString(gvk), ...body } as KubeObject;
  } catch (e) {
    if (isApiError(e)) throw e;
    // RangeError and protobufjs's errors: the body ends early or is not protobuf.
    const msg = e instanceof ProtoDecodeError ? e.message : e instanceof RangeError ? 'unexpected EOF' : e instanceof Error ? e.message : String(e);
    throw errors.badRequest(msg);
  }
}

function messageOf(obj: Record<string, unknown>): { apiVersion: string; kind: string; message: string } {
  const apiVersion = typeof obj['apiVersion'] === 'string' ? obj['apiVersion'] : '';
  const kind = typeof obj['kind'] === 'string' ? obj['kind'] : '';
  const { group, version } = splitApiVersion(apiVersion);
  const message = messageForKind(group, version, kind);
  if (!message) throw new Error(`protobuf: ${apiVersion} ${kind} has no protobuf form`);
  return { apiVersion, kind, message };
}

function describeEncodeError(e: unknown, what: string): unknown {
  return e instanceof ProtoEncodeError ? new Error(`protobuf: cannot encode ${what}: ${e.describe()}`) : e;
}

function writeEnveloped(w: Writer, obj: Record<string, unknown>): void {
  const { apiVersion, kind, message } = messageOf(obj);
  writeEnvelopeHead(w, apiVersion, kind);
  w.uint32(rawFieldTag).fork();
  try {
    encodeMessage(w, message, obj);
  } catch (e) {
    throw describeEncodeError(e, `${apiVersion} ${kind}`);
  }
  w.ldelim();
  writeEnvelopeTail(w);
}

/** Encodes a JSON-shaped object (apiVersion and kind set) into the enveloped form. */
export function encodeProtobufObject(obj: Record<string, unknown>): Buffer {
  const w = newWriter();
  writeEnveloped(w, obj);
  return w.finish();
}

/** A list body goes out in pieces of about this size. */
const PIECE = 64 * 1024;

/**
 * Encodes a list: `head` is the list without its items (apiVersion, kind, metadata). Returns the
 * enveloped list as pieces to write in order: the items are encoded one at a time into pieces of
 * ~64 KiB, and the envelope, whose length prefix needs the body's size, comes first.
 */
export function encodeProtobufList(head: Record<string, unknown>, items: readonly unknown[]): Buffer[] {
  const { apiVersion, kind, message } = messageOf(head);
  const fields = messageSpec(message).fields;
  const itemsField = fields.find(f => f.name === 'items');
  if (!itemsField?.repeated || fields.some(f => f.inline)) {
    const w = newWriter();
    writeEnveloped(w, { ...head, items });
    return [w.finish()];
  }
  // Go writes fields in number order: the head's fields numbered below items, items, the rest.
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  for (const f of fields) {
    if (f !== itemsField && f.name in head) (f.no < itemsField.no ? before : after)[f.name] = head[f.name];
  }
  const body = new ProtoWriter(PIECE + PIECE / 4);
  const pieces: Buffer[] = [];
  let size = 0;
  let inItems = false;
  try {
    encodeMessage(body, message, before);
    inItems = true;
    const itemTag = tagOf(itemsField.no, WireType.Bytes);
    let reserve = 1;
    for (const item of items) {
      body.uint32(itemTag).fork(reserve);
      // A null item is Go's zero value: an empty message.
      if (item !== null) encodeMessage(body, itemsField.type, item);
      reserve = body.close();
      if (body.length >= PIECE) {
        size += body.length;
        pieces.push(body.cut());
      }
    }
    inItems = false;
    encodeMessage(body, message, after);
  } catch (e) {
    if (e instanceof ProtoEncodeError && inItems) e.path.unshift('items');
    throw describeEncodeError(e, `${apiVersion} ${kind}`);
  }
  size += body.length;
  writeEnvelopeTail(body);
  pieces.push(body.cut());
  const envelope = newWriter();
  writeEnvelopeHead(envelope, apiVersion, kind);
  envelope.uint32(rawFieldTag).uint32(size);
  return [envelope.finish(), ...pieces];
}

/**
 * One watch frame as upstream streams them: a 4-byte big-endian length, then a metav1.WatchEvent
 * {type(1), object(2) RawExtension{raw(1)}} written raw (no envelope), whose raw holds the
 * enveloped object.
 */
export function encodeProtobufWatchEvent(type: string, obj: Record<string, unknown>): Buffer {
  const w = newWriter();
  // The length prefix, filled in below.
  w.fixed32(0);
  w.uint32(tagOf(1, WireType.Bytes)).string(type);
  w.uint32(tagOf(2, WireType.Bytes)).fork().uint32(tagOf(1, WireType.Bytes)).fork();
  writeEnveloped(w, obj);
  w.ldelim().ldelim();
  const frame = w.finish();
  frame.writeUInt32BE(frame.length - 4, 0);
  return frame;
}

/** Reads one watch frame's event (tests and clients of the stream). */
export function decodeProtobufWatchEvent(frame: Buffer): { type: string; object: KubeObject } {
  if (frame.length < 4 || frame.readUInt32BE(0) !== frame.length - 4) throw errors.badRequest('protobuf watch frame: length prefix does not match');
  const r = newReader(frame.subarray(4));
  let type = '';
  let raw: Uint8Array | undefined;
  try {
    eachField(r, r.len, (no, wt) => {
      if (no === 1) { expectWire(wt, WireType.Bytes, 'Type'); type = r.string(); }
      else if (no === 2) {
        expectWire(wt, WireType.Bytes, 'Object');
        eachField(r, delimitedEnd(r), (rno, rwt) => {
          if (rno === 1) { expectWire(rwt, WireType.Bytes, 'Raw'); raw = r.bytes(); }
          else skipField(r, rwt);
        });
      } else skipField(r, wt);
    });
  } catch (e) {
    throw errors.badRequest(`protobuf watch frame: ${e instanceof RangeError ? 'unexpected EOF' : (e as Error).message}`);
  }
  if (!raw) throw errors.badRequest('protobuf watch frame: no object');
  return { type, object: decodeProtobufObject(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength)) };
}
