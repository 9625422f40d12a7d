// Warning headers with upstream's limits (apiserver's warning recorder): duplicates dropped, and
// once the texts pass 4096 runes in all, every warning is cut to 256 runes and further warnings
// are dropped past the total, so client-named fields cannot make a header of any size.
import type { Response } from 'express';

const truncateAtTotalRunes = 4 * 1024;
const CONTROL = /[\u0000-\u001f\u007f]/;
const truncateItemRunes = 256;

interface Recorder {
  seen: Set<string>;
  ordered: string[];
  written: number;
  truncating: boolean;
}

const recorders = new WeakMap<Response, Recorder>();

function runes(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

function truncated(text: string): string {
  return runes(text) > truncateItemRunes ? [...text].slice(0, truncateItemRunes).join('') : text;
}

/** `299 - "text"` as Go's strconv.Quote writes it, sent as UTF-8 bytes (Node writes header strings as latin1). */
function header(text: string): string {
  const quoted = `"${text.replace(/[\\"]/g, c => `\\${c}`).replace(/[\u0000-\u001f\u007f]/g, c => {
    const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f', '\v': '\\v', '\x07': '\\a' };
    return named[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  })}"`;
  return Buffer.from(`299 - ${quoted}`, 'utf8').toString('latin1');
}

function append(res: Response, text: string): void {
  const existing = res.getHeader('Warning');
  const list = existing === undefined ? [] : Array.isArray(existing) ? existing.map(String) : [String(existing)];
  list.push(header(text));
  res.setHeader('Warning', list);
}

/** Records one warning for the response, as upstream's recorder.AddWarning. */
export function recordWarning(res: Response, text: string): void {
  // net.NewWarningHeader refuses control characters (a multi-line YAML error): upstream drops the warning.
  if (text === '' || CONTROL.test(text) || res.headersSent) return;
  let r = recorders.get(res);
  if (!r) {
    r = { seen: new Set(), ordered: [], written: 0, truncating: false };
    recorders.set(res, r);
  }
  if (r.written >= truncateAtTotalRunes && r.truncating) return;
  if (r.seen.has(text)) return;
  r.seen.add(text);
  r.ordered.push(text);
  const item = r.truncating ? truncated(text) : text;
  const length = runes(item);
  if (r.written + length <= truncateAtTotalRunes || r.truncating) {
    r.written += length;
    append(res, item);
    return;
  }
  // Over the total: replay everything so far, each warning cut short.
  r.truncating = true;
  r.written = 0;
  res.removeHeader('Warning');
  for (const w of r.ordered) {
    const cut = truncated(w);
    r.written += runes(cut);
    append(res, cut);
  }
}
