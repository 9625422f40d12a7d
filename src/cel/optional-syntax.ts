// cel-go's optional field selection `x.?f` and optional index `x[?i]`, which the @bufbuild/cel
// grammar lacks: a pre-pass rewrites them into member calls the grammar accepts
// (`x.__opt_select__("f")`, `x.__opt_index__(i)`), and parsing turns those back into an
// optional select node and a `_[?_]` call. Optional list/map literal entries (`[?a]`, `{?k: v}`)
// stay unsupported. Offsets in the rewritten text map back to the source for error locations.
export const OPT_SELECT = '__opt_select__';
export const OPT_INDEX = '__opt_index__';

/** The end of the string literal starting at i (quotes, triple quotes, r/b prefixes). */
function skipString(src: string, i: number): number {
  let j = i;
  let raw = false;
  while (/[rRbB]/.test(src[j] ?? '')) raw ||= /[rR]/.test(src[j++]!);
  const q = src[j]!;
  const triple = src.startsWith(q.repeat(3), j);
  const close = triple ? q.repeat(3) : q;
  j += close.length;
  while (j < src.length && !src.startsWith(close, j)) j += !raw && src[j] === '\\' ? 2 : 1;
  return j + close.length;
}

const isIdentChar = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_]/.test(c);

export interface Rewritten {
  text: string;
  /** The source offset of an offset in text (a rewritten piece maps to where it started). */
  original(offset: number): number;
}

/** Source with `.?f` and `[?i]` rewritten; unchanged when it has neither. */
export function rewriteOptionalSyntax(src: string): Rewritten {
  if (!src.includes('?')) return { text: src, original: o => o };
  let out = '';
  // Where each rewritten piece starts and ends, in text and in the source.
  const marks: Array<{ at: number; src: number; copied: boolean }> = [];
  const rewrite = (text: string, consumed: number, i: number) => {
    marks.push({ at: out.length, src: i, copied: false });
    out += text;
    marks.push({ at: out.length, src: i + consumed, copied: true });
  };
  const brackets: boolean[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    const startsString = (c === '"' || c === "'") || (/[rRbB]/.test(c) && !isIdentChar(src[i - 1]) && /^[rRbB]{0,2}["']/.test(src.slice(i, i + 3)));
    if (startsString) {
      const end = skipString(src, i);
      out += src.slice(i, end);
      i = end;
      continue;
    }
    const sel = c === '.' ? /^\.\?\s*([A-Za-z_][A-Za-z0-9_]*)/.exec(src.slice(i)) : null;
    if (sel) {
      rewrite(`.${OPT_SELECT}(${JSON.stringify(sel[1])})`, sel[0].length, i);
      i += sel[0].length;
      continue;
    }
    if (c === '[') {
      const prev = out.trimEnd().at(-1);
      const isIndex = isIdentChar(prev) || prev === ')' || prev === ']' || prev === '}' || prev === '"' || prev === "'";
      const opt = isIndex ? /^\[\s*\?/.exec(src.slice(i)) : null;
      brackets.push(!!opt);
      if (opt) rewrite(`.${OPT_INDEX}(`, opt[0].length, i);
      else out += c;
      i += opt ? opt[0].length : 1;
      continue;
    }
    if (c === ']' && brackets.pop()) rewrite(')', 1, i);
    else out += c;
    i++;
  }
  return {
    text: out,
    original(offset) {
      const m = [...marks].reverse().find(x => x.at <= offset);
      if (!m) return offset;
      return m.copied ? m.src + (offset - m.at) : m.src;
    },
  };
}
