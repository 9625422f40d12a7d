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

/** One Accept clause as github.com/munnerz/goautoneg parses it (case kept, values unquoted never). */
export interface MediaRange {
  type: string;
  subtype: string;
  params: Record<string, string>;
  q: number;
}

/** strconv.ParseFloat(s, 32) as goautoneg reads q: a syntax error is 0, an overflow ±Inf. */
function goFloat32(s: string): number {
  if (/^[+-]?(inf|infinity)$/i.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(s)) return NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return 0;
  return Math.fround(Number(s));
}

/** goautoneg's Less: by q, then a concrete type, then a concrete subtype (not a total order). */
function acceptLess(a: MediaRange, b: MediaRange): boolean {
  return a.q > b.q || (a.type !== '*' && b.type === '*') || (a.subtype !== '*' && b.subtype === '*');
}

/** Go's sort.Sort: insertion sort up to 12 elements, which fixes the order of equal clauses. */
function goSort(ranges: MediaRange[]): MediaRange[] {
  if (ranges.length > 12) return ranges.sort((a, b) => (acceptLess(a, b) ? -1 : acceptLess(b, a) ? 1 : 0));
  for (let i = 1; i < ranges.length; i++) {
    for (let j = i; j > 0 && acceptLess(ranges[j]!, ranges[j - 1]!); j--) [ranges[j], ranges[j - 1]] = [ranges[j - 1]!, ranges[j]!];
  }
  return ranges;
}

const trimSpaces = (s: string): string => s.replace(/^ +| +$/g, '');

/**
 * The Accept clauses in goautoneg's order. As upstream, q only orders them: a q=0 clause is still
 * acceptable, and a clause that is not type/subtype (or `*`) is dropped.
 */
export function parseAccept(header: string | undefined): MediaRange[] {
  const ranges: MediaRange[] = [];
  for (const rawPart of (header ?? '').split(',')) {
    const part = trimSpaces(rawPart);
    const semi = part.indexOf(';');
    const [typePart = '', ...more] = (semi < 0 ? part : part.slice(0, semi)).split('/');
    const type = trimSpaces(typePart);
    if (more.length > 1 || (more.length === 0 && type !== '*')) continue;
    const range: MediaRange = { type, subtype: more.length === 0 ? '*' : trimSpaces(more[0]!), params: Object.create(null) as Record<string, string>, q: 1 };
    if (semi >= 0) {
      for (const p of part.slice(semi + 1).split(';')) {
        const kv = p.split('=');
        if (kv.length !== 2 || kv[1] === '') continue;
        const key = trimSpaces(kv[0]!);
        if (key === 'q') range.q = goFloat32(kv[1]!);
        else range.params[key] = trimSpaces(kv[1]!);
      }
    }
    ranges.push(range);
  }
  return goSort(ranges);
}

/** Whether a clause names `type/subtype`, as NegotiateMediaTypeOptions matches them. */
export function clauseMatches(c: MediaRange, type: string, subtype: string): boolean {
  return (c.type === type && (c.subtype === subtype || c.subtype === '*')) || (c.type === '*' && c.subtype === '*');
}

/** The server's serializers in upstream's order: the first that a clause matches is tried first. */
const serializers: { subtype: string; format: Format; mediaType: string; streams: boolean }[] = [
  { subtype: 'json', format: 'json', mediaType: 'application/json', streams: true },
  { subtype: 'yaml', format: 'yaml', mediaType: 'application/yaml', streams: false },
  { subtype: 'vnd.kubernetes.protobuf', format: 'protobuf', mediaType: protobufMediaType, streams: true },
];

// ---- protobuf (src/api/protobuf) ----
/** Only built-in resources have a protobuf form; custom resources answer in JSON. */
function servesProtobuf(req: Request): boolean {
  const ri = req.requestInfo;
  return !!ri?.isResourceRequest && builtinCatalog().lookup(ri.apiGroup, ri.apiVersion, ri.resource) !== undefined;
}
// ---- end protobuf ----

type Conversion = { kind: string; group: string; version: string } | undefined;

/**
 * acceptMediaTypeOptions: whether a clause's parameters suit a serializer. Any of as/g/v asks for
 * a conversion; stream must be watch on a streaming serializer; sv must be the meta version.
 * The conversion is undefined when none is asked for, null when the parameters refuse it.
 */
function clauseOptions(c: MediaRange, s: (typeof serializers)[number], allowConversion: boolean): { conversion: Conversion } | null {
  let conversion: Conversion;
  for (const [k, v] of Object.entries(c.params)) {
    if (k === 'as' || k === 'g' || k === 'v') conversion ??= { kind: c.params['as'] ?? '', group: c.params['g'] ?? '', version: c.params['v'] ?? '' };
    else if (k === 'stream' && v !== '' && (!s.streams || v !== 'watch')) return null;
    else if (k === 'sv' && v !== '' && (!allowConversion || v !== 'v1')) return null;
  }
  if (conversion && !allowConversion) return null;
  return { conversion };
}

/**
 * Whether an error Status should go out in protobuf: upstream writes errors with the default
 * endpoint restrictions (no conversions), so the first plain clause decides.
 */
export function statusInProtobuf(req: Request): boolean {
  for (const c of parseAccept(req.headers.accept)) {
    for (const s of serializers) {
      if (!clauseMatches(c, 'application', s.subtype) || clauseOptions(c, s, false) === null) continue;
      return s.format === 'protobuf' && servesProtobuf(req);
    }
  }
  return false;
}

/**
 * Picks the response representation as NegotiateOutputMediaType does. `allowed` lists the
 * transformed views the endpoint can produce (a Table where a TableConvertor exists,
 * PartialObjectMetadata for an object, PartialObjectMetadataList for a list). As upstream, either
 * metadata view is negotiated where one is: the writer refuses the wrong shape after the operation.
 */
export function negotiate(req: Request, allowed: View[]): Negotiated {
  const header = req.headers.accept;
  if (!header) return { format: 'json', view: 'object', contentType: 'application/json' };
  for (const c of parseAccept(header)) {
    for (const s of serializers) {
      if (!clauseMatches(c, 'application', s.subtype)) continue;
      const opts = clauseOptions(c, s, true);
      if (opts === null) continue;
      const conv = opts.conversion;
      if (!conv) {
        if (s.format === 'protobuf' && !servesProtobuf(req)) continue;
        return { format: s.format, view: 'object', contentType: s.mediaType };
      }
      if (conv.group !== 'meta.k8s.io' || (conv.version !== 'v1' && conv.version !== 'v1beta1')) continue;
      if (conv.kind === 'Table') {
        if (s.format === 'protobuf' || !allowed.includes('Table')) continue;
      } else if (conv.kind === 'PartialObjectMetadata' || conv.kind === 'PartialObjectMetadataList') {
        if (!allowed.includes('PartialObjectMetadata') && !allowed.includes('PartialObjectMetadataList')) continue;
      } else {
        continue;
      }
      // Upstream answers a transformed view with the serializer's bare media type.
      return { format: s.format, view: conv.kind as View, contentType: s.mediaType };
    }
  }
  throw errors.notAcceptable(notAcceptableMessage);
}

export const notAcceptableMessage = 'only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf';

/** A watch needs a streaming serializer: the negotiated one, or 406 as NegotiateOutputMediaTypeStream answers. */
export function negotiateWatch(req: Request, allowed: View[]): Negotiated & { format: 'json' | 'protobuf' } {
  const neg = negotiate(req, allowed);
  if (neg.format !== 'yaml') return { ...neg, format: neg.format };
  throw errors.notAcceptable('only the following media types are accepted: application/json;stream=watch, application/vnd.kubernetes.protobuf;stream=watch');
}

export type BodyType = 'json' | 'yaml' | 'protobuf' | 'json-patch' | 'merge-patch' | 'strategic-merge-patch' | 'apply-patch';

const bodyMediaTypes = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];

/** The request's body media type, without parameters. */
export type PatchType = 'json-patch' | 'merge-patch' | 'strategic-merge-patch' | 'apply-patch';

/** The patch type a PATCH request's Content-Type names; 415 for any other. */
export function requestPatchType(req: Request): PatchType {
  switch ((req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()) {
    case 'application/json-patch+json': return 'json-patch';
    case 'application/merge-patch+json': return 'merge-patch';
    case 'application/strategic-merge-patch+json': return 'strategic-merge-patch';
    case 'application/apply-patch+yaml': return 'apply-patch';
    default:
      throw errors.unsupportedMediaType(['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml', 'application/strategic-merge-patch+json']);
  }
}

export function requestBodyType(req: Request, patch: boolean): BodyType {
  if (patch) return requestPatchType(req);
  const raw = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const header = req.headers['content-type'] ?? '';
  if (header !== '' && !isGoMediaType(header)) throw errors.unsupportedMediaType(bodyMediaTypes);
  if (raw === '' || raw === 'application/json') return 'json';
  if (raw === 'application/yaml' || raw === 'application/x-yaml' || raw === 'text/yaml') return 'yaml';
  if (raw === protobufMediaType) return 'protobuf';
  throw errors.unsupportedMediaType(bodyMediaTypes);
}
