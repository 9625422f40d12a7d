// Go RE2 expressions on JavaScript's RegExp (schema patterns, CEL's matches/find/findAll): the
// RE2 spellings JS lacks are mapped, RE2's leading inline flags become RegExp flags; compiled
// patterns are cached per source and flags.
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

/** The compiled pattern, or the compile error's text; `extraFlags` adds RegExp flags (g for findAll). */
export function goPattern(pattern: string, extraFlags = ''): RegExp | string {
  const key = `${extraFlags}:${pattern}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const translated = translate(pattern);
  const source = translated.source;
  const flags = translated.flags + extraFlags;
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
  if (cache.size > 1000) cache.clear();
  cache.set(key, out);
  return out;
}
