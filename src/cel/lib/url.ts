// Kubernetes' URL library (library/urls.go): url(), isURL() and the accessors. Parsing follows
// Go's url.ParseRequestURI: an absolute URI or an absolute path, no fragment handling.
import { fn, linear, method, type Overload } from '../functions.js';
import { T, URL_T } from '../types.js';
import { CelMapV, OpaqueV, evalError, type Value } from '../values.js';

interface Parts {
  scheme: string;
  host: string;
  opaque: string;
  path: string;
  rawQuery: string;
}

export class UrlV extends OpaqueV {
  readonly typeName = 'kubernetes.URL';
  constructor(readonly source: string, readonly parts: Parts) {
    super();
  }
  equals(other: OpaqueV): boolean {
    return other instanceof UrlV && other.source === this.source;
  }
}

export function parseRequestURI(raw: string): Parts | string {
  if (/[\x00-\x1f\x7f]/.test(raw)) return 'net/url: invalid control character in URL';
  if (raw === '') return 'empty url';
  let rest = raw;
  let scheme = '';
  const sm = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(rest);
  if (sm) {
    scheme = sm[1]!.toLowerCase();
    rest = rest.slice(sm[0].length);
  } else if (/^[a-zA-Z0-9+.-]*:/.test(rest) && !rest.startsWith('/')) {
    return 'missing protocol scheme';
  }
  let rawQuery = '';
  const q = rest.indexOf('?');
  if (q >= 0) {
    rawQuery = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  if (!rest.startsWith('/')) {
    if (scheme) return { scheme, host: '', opaque: rest, path: '', rawQuery };
    return 'invalid URI for request';
  }
  let host = '';
  if (scheme && rest.startsWith('//')) {
    const end = rest.indexOf('/', 2);
    host = end < 0 ? rest.slice(2) : rest.slice(2, end);
    rest = end < 0 ? '' : rest.slice(end);
    const at = host.lastIndexOf('@');
    if (at >= 0) host = host.slice(at + 1);
    if (/[^A-Za-z0-9\-._~!$&'()*+,;=:\[\]%]/.test(host)) return `invalid character "${/[^A-Za-z0-9\-._~!$&'()*+,;=:\[\]%]/.exec(host)![0]}" in host name`;
  }
  try {
    decodeURIComponent(rest);
  } catch {
    return `invalid URL escape "${/%.{0,2}/.exec(rest)?.[0] ?? '%'}"`;
  }
  return { scheme, host, opaque: '', path: rest, rawQuery };
}

function toUrl(raw: string): UrlV {
  const p = parseRequestURI(raw);
  if (typeof p === 'string') throw evalError(`URL parse error during conversion from string: parse "${raw}": ${p}`);
  return new UrlV(raw, p);
}

const splitHost = (host: string): [string, string] => {
  const m = /^\[([^\]]*)\](?::(\d*))?$/.exec(host);
  if (m) return [m[1]!, m[2] ?? ''];
  const c = host.lastIndexOf(':');
  return c >= 0 ? [host.slice(0, c), host.slice(c + 1)] : [host, ''];
};

function query(raw: string): CelMapV {
  const out = new Map<string, Value[]>();
  for (const pair of raw.split(/[&]/)) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const dec = (x: string) => {
      try {
        return decodeURIComponent(x.replace(/\+/g, ' '));
      } catch {
        return x;
      }
    };
    const k = dec(eq < 0 ? pair : pair.slice(0, eq));
    const v = eq < 0 ? '' : dec(pair.slice(eq + 1));
    out.set(k, [...(out.get(k) ?? []), v]);
  }
  return new CelMapV(out);
}

const parts = (v: Value) => (v as UrlV).parts;

export const urlLibrary: Overload[] = [
  fn('url', [T.string], URL_T, a => toUrl(a[0] as string), linear(0)),
  fn('isURL', [T.string], T.bool, a => typeof parseRequestURI(a[0] as string) !== 'string', linear(0)),
  fn('string', [URL_T], T.string, a => (a[0] as UrlV).source),
  method('getScheme', [URL_T], T.string, a => parts(a[0]!).scheme),
  method('getHost', [URL_T], T.string, a => parts(a[0]!).host),
  method('getHostname', [URL_T], T.string, a => splitHost(parts(a[0]!).host)[0]),
  method('getPort', [URL_T], T.string, a => splitHost(parts(a[0]!).host)[1]),
  method('getEscapedPath', [URL_T], T.string, a => parts(a[0]!).path),
  method('getQuery', [URL_T], T.map(T.string, T.list(T.string)), a => query(parts(a[0]!).rawQuery)),
];
