// /openapi/v2 and /openapi/v3, as kube-openapi's handler and handler3 serve them: the generated
// documents byte for byte, or with the CRDs' OpenAPI merged in (v2 also as a gnostic protobuf Document), ETags of their SHA-512
// (upper-case hex), conditional GETs, and hash-pinned v3 URLs that are immutable or redirect to
// the current hash.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { type Request, type Response, Router } from 'express';
import { errors } from '../api/errors.js';
import { builtinV3Documents, type OpenAPIExtra } from '../api/openapi-documents.js';
import { parseAccept, type MediaRange } from './negotiate.js';
import { encodeOpenAPIv2Document } from './openapi-v2-protobuf.js';
import { writeError } from './status-writer.js';

const generatedDir = new URL('../generated/', import.meta.url);

interface Document {
  body: Buffer;
  /** Quoted, as sent in the ETag header. */
  etag: string;
  /** The bare hash, as in ?hash=. */
  hash: string;
  lastModified: Date;
}

function documentOf(body: Buffer): Document {
  const hash = createHash('sha512').update(body).digest('hex').toUpperCase();
  const lastModified = new Date();
  lastModified.setMilliseconds(0);
  return { body, hash, etag: `"${hash}"`, lastModified };
}

/** Loads on first use, then keeps the value. */
function lazy<T>(load: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= load());
}

/** kube-openapi's match: each of type and subtype equal or a wildcard (so a `*` type with the json subtype is JSON too). */
function offered(c: MediaRange, subtype: string): boolean {
  return (c.type === 'application' || c.type === '*') && (c.subtype === subtype || c.subtype === '*');
}

/** Whether some Accept clause (whatever its q, as goautoneg) lets us answer JSON, the only form of the v3 documents. */
function acceptsJSON(req: Request): boolean {
  return parseAccept(req.headers.accept || '*/*').some(c => offered(c, 'json'));
}

const V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';
/** kube-openapi's offers for /openapi/v2, in its order (the `@` spelling is the deprecated one). */
const V2_OFFERS: { subtype: string; format: 'json' | 'protobuf' }[] = [
  { subtype: 'json', format: 'json' },
  { subtype: 'com.github.proto-openapi.spec.v2@v1.0+protobuf', format: 'protobuf' },
  { subtype: 'com.github.proto-openapi.spec.v2.v1.0+protobuf', format: 'protobuf' },
];

/** The first offer matching the Accept clauses in goautoneg's order. */
function v2Format(req: Request): 'json' | 'protobuf' | undefined {
  for (const c of parseAccept(req.headers.accept || '*/*')) {
    const offer = V2_OFFERS.find(o => offered(c, o.subtype));
    if (offer) return offer.format;
  }
  return undefined;
}

function etagMatches(header: string, etag: string): boolean {
  if (header.trim() === '*') return true;
  return header.split(',').some(t => t.trim().replace(/^W\//, '') === etag);
}

/** Go's http.ServeContent: 304 for a matching If-None-Match (or If-Modified-Since), else the body. */
function serveContent(req: Request, res: Response, doc: Document, body: Buffer = doc.body): void {
  res.setHeader('Last-Modified', doc.lastModified.toUTCString());
  const inm = req.headers['if-none-match'];
  const ims = req.headers['if-modified-since'];
  const notModified = inm !== undefined
    ? etagMatches(inm, doc.etag)
    : ims !== undefined && !Number.isNaN(Date.parse(ims)) && doc.lastModified.getTime() <= Date.parse(ims);
  if (notModified) {
    for (const h of ['Content-Type', 'Content-Length', 'Content-Encoding']) res.removeHeader(h);
    res.status(304).end();
    return;
  }
  res.setHeader('Content-Length', String(body.length));
  res.status(200).end(body);
}

/** Whether Accept-Encoding allows gzip (kube-openapi wraps /openapi/v2 in a gzip handler). */
function acceptsGzip(req: Request): boolean {
  for (const part of (req.headers['accept-encoding'] ?? '').split(',')) {
    const [coding, ...params] = part.split(';').map(s => s.trim().toLowerCase());
    if (coding !== 'gzip' && coding !== '*') continue;
    const q = params.find(p => p.startsWith('q='));
    if (q === undefined || Number(q.slice(2)) > 0) return true;
  }
  return false;
}

/** The v3 documents by path ('api/v1', 'apis/apps/v1', ...) and the discovery index over them. */
interface V3Set {
  docs: Map<string, Document>;
  index: Document;
}

function loadBuiltinV3(): Map<string, Document> {
  return new Map([...builtinV3Documents()].map(([path, body]) => [path, documentOf(body)]));
}

function v3SetOf(docs: Map<string, Document>): V3Set {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const key of [...docs.keys()].sort()) {
    paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${docs.get(key)!.hash}` };
  }
  return { docs, index: documentOf(Buffer.from(JSON.stringify({ paths }))) };
}

interface V2Served {
  json: { doc: Document; gzipped: Buffer };
  protobuf: () => { doc: Document; gzipped: Buffer };
}

/** `base` with `extra`'s entries added under keys it lacks (the built-in API has priority, as in kube-openapi's merge), sorted. */
function mergeSorted(base: unknown, extra: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(base as Record<string, unknown> | undefined) };
  for (const [k, v] of Object.entries(extra ?? {})) if (!(k in out)) out[k] = v;
  return Object.fromEntries(Object.keys(out).sort().map(k => [k, out[k]]));
}

function v2Served(body: Buffer): V2Served {
  const doc = documentOf(body);
  return {
    json: { doc, gzipped: gzipSync(body) },
    // Built on first request, as kube-openapi does; it keeps the JSON document's ETag.
    protobuf: lazy(() => {
      const pb = encodeOpenAPIv2Document(JSON.parse(body.toString('utf8'))).body;
      return { doc: { ...doc, body: pb }, gzipped: gzipSync(pb) };
    }),
  };
}

export function openapiRouter(extra?: OpenAPIExtra): Router {
  const builtinV2 = lazy(() => readFileSync(new URL('openapi-v2.json', generatedDir)));
  const builtinV3 = lazy(loadBuiltinV3);

  /** Built on first use and again, lazily, after the extra's revision moved. */
  const perRevision = <T>(build: (previous: T | undefined) => T): (() => T) => {
    let cached: { revision: number; value: T } | undefined;
    return () => {
      const revision = extra?.revision() ?? 0;
      if (cached?.revision !== revision) cached = { revision, value: build(cached?.value) };
      return cached.value;
    };
  };

  const v2 = perRevision<V2Served>(() => {
    const ext = extra?.v2();
    if (!ext || (Object.keys(ext.paths).length === 0 && Object.keys(ext.definitions).length === 0)) return v2Served(builtinV2());
    const base = JSON.parse(builtinV2().toString('utf8')) as Record<string, unknown>;
    return v2Served(Buffer.from(JSON.stringify({
      ...base,
      definitions: mergeSorted(base['definitions'], ext.definitions),
      parameters: mergeSorted(base['parameters'], ext.parameters),
      paths: mergeSorted(base['paths'], ext.paths),
    })));
  });

  const v3 = perRevision<V3Set>(previous => {
    const docs = new Map(builtinV3());
    for (const [key, doc] of extra?.v3() ?? []) {
      if (docs.has(key)) continue;
      const body = Buffer.from(JSON.stringify(doc));
      // An unchanged document keeps its Last-Modified.
      const before = previous?.docs.get(key);
      docs.set(key, before?.body.equals(body) ? before : documentOf(body));
    }
    return v3SetOf(docs);
  });

  const router = Router();

  router.get('/openapi/v2', (req, res) => {
    res.append('Vary', 'Accept');
    const format = v2Format(req);
    if (!format) return void res.status(406).end();
    const { doc, gzipped } = format === 'json' ? v2().json : v2().protobuf();
    res.setHeader('Content-Type', format === 'json' ? 'application/json' : V2_PROTOBUF);
    res.setHeader('ETag', doc.etag);
    if (acceptsGzip(req)) {
      res.append('Vary', 'Accept-Encoding');
      res.setHeader('Content-Encoding', 'gzip');
      return serveContent(req, res, doc, gzipped);
    }
    serveContent(req, res, doc);
  });

  router.get('/openapi/v3', (req, res) => {
    const { index } = v3();
    res.setHeader('Content-Type', 'application/json');
    res.setHeader('ETag', index.etag);
    serveContent(req, res, index);
  });

  router.get('/openapi/v3/*path', (req, res) => {
    const key = req.path.slice('/openapi/v3/'.length).replace(/\/+$/, '');
    res.append('Vary', 'Accept');
    const doc = v3().docs.get(key);
    if (!doc) return writeError(res, errors.notFoundPath());
    if (!acceptsJSON(req)) return void res.status(406).end();
    res.setHeader('Content-Type', 'application/json');
    res.setHeader('ETag', doc.etag);
    const hash = typeof req.query['hash'] === 'string' ? req.query['hash'] : '';
    if (hash !== '') {
      if (hash !== doc.hash) return res.redirect(301, `/openapi/v3/${key}?hash=${doc.hash}`);
      res.setHeader('Cache-Control', 'public, immutable');
      // Upstream's "never expires": one year from the request.
      res.setHeader('Expires', new Date(Date.now() + 365 * 24 * 3600 * 1000).toUTCString());
    }
    serveContent(req, res, doc);
  });

  return router;
}
