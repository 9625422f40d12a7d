// Schema patterns are Go RE2 expressions, matched unanchored (regexp.MatchString). This maps
// the RE2 spellings JS lacks onto JS RegExp; compiled patterns are cached per source.
const cache = new Map<string, RegExp | string>();

const posixClasses: Record<string, string> = {
  alnum: '0-9A-Za-z', alpha: 'A-Za-z', ascii: '\\x00-\\x7F', blank: '\\t ', cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9', graph: '!-~', lower: 'a-z', print: ' -~', punct: '!-\\/:-@\\[-`{-~', space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z', word: '0-9A-Za-z_', xdigit: '0-9A-Fa-f',
};

function translate(src: string): { source: string; flags: string } {
  let flags = '';
  let source = src;
  // Leading flag groups such as (?i) or (?is) become RegExp flags.
  const lead = /^\(\?([imsU]+)\)/.exec(source);
  if (lead) {
    for (const f of lead[1]!) if (f !== 'U' && !flags.includes(f)) flags += f;
    source = source.slice(lead[0].length);
  }
  source = source
    .replace(/\\A/g, '^')
    .replace(/\\z/g, '$')
    .replace(/\\p([A-Z])/g, '\\p{$1}')
    .replace(/\\P([A-Z])/g, '\\P{$1}')
    .replace(/\[:(\^?)([a-z]+):\]/g, (m, neg: string, name: string) => (posixClasses[name] && !neg ? posixClasses[name]! : m));
  return { source, flags };
}

/** The compiled pattern, or the compile error's text. */
export function goPattern(pattern: string): RegExp | string {
  const hit = cache.get(pattern);
  if (hit !== undefined) return hit;
  const { source, flags } = translate(pattern);
  let out: RegExp | string;
  try {
    out = new RegExp(source, `${flags}u`);
  } catch {
    // Unicode mode rejects escapes RE2 allows (e.g. "\-" outside a class); retry without it.
    try {
      out = new RegExp(source, flags);
    } catch (e) {
      out = (e as Error).message;
    }
  }
  cache.set(pattern, out);
  return out;
}
