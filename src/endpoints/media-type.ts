// Whether a Content-Type parses as Go's mime.ParseMediaType reads it. Upstream decodes a body only
// when it does, so `application/json;;;;` or a repeated parameter is 415 although its type is known.

const tspecials = new Set('()<>@,;:\\"/[]?=');
const isTokenChar = (c: string): boolean => c > ' ' && c < '\x7f' && !tspecials.has(c);
const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\v' || c === '\f';

function token(v: string, at: number): number {
  while (at < v.length && isTokenChar(v[at]!)) at++;
  return at;
}

function skipSpace(v: string, at: number): number {
  while (at < v.length && isSpace(v[at])) at++;
  return at;
}

/** The end of a quoted-string starting at `at` (a '"'), or -1 when it never closes. */
function quoted(v: string, at: number): number {
  for (let i = at + 1; i < v.length; i++) {
    if (v[i] === '"') return i + 1;
    if (v[i] === '\\') i++;
  }
  return -1;
}

/** One `; key=value` from `at`: the parameter name and where it ends, or undefined when it does not parse. */
function param(v: string, at: number): { key: string; end: number } | undefined {
  let i = skipSpace(v, at);
  if (v[i] !== ';') return undefined;
  i = skipSpace(v, i + 1);
  const keyEnd = token(v, i);
  if (keyEnd === i) return undefined;
  const key = v.slice(i, keyEnd).toLowerCase();
  i = skipSpace(v, keyEnd);
  if (v[i] !== '=') return undefined;
  i = skipSpace(v, i + 1);
  const end = v[i] === '"' ? quoted(v, i) : token(v, i);
  if (end <= i) return undefined;
  return { key, end };
}

export function isGoMediaType(header: string): boolean {
  const semi = header.indexOf(';');
  const base = (semi < 0 ? header : header.slice(0, semi)).trim();
  const typeEnd = token(base, 0);
  if (typeEnd === 0) return false;
  if (typeEnd < base.length) {
    if (base[typeEnd] !== '/') return false;
    const subEnd = token(base, typeEnd + 1);
    if (subEnd === typeEnd + 1 || subEnd < base.length) return false;
  }
  if (semi < 0) return true;
  const seen = new Set<string>();
  let at = semi;
  while (at < header.length) {
    at = skipSpace(header, at);
    if (at >= header.length) break;
    const p = param(header, at);
    if (!p) return header.slice(at).trim() === ';';
    if (seen.has(p.key)) return false;
    seen.add(p.key);
    at = p.end;
  }
  return true;
}
