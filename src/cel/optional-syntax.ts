// cel-go's optional field selection `x.?f` and optional index `x[?i]`, which the @bufbuild/cel
// grammar lacks: a pre-pass rewrites them into member calls the grammar accepts
// (`x.__opt_select__("f")`, `x.__opt_index__(i)`), and parsing turns those back into an
// optional select node and a `_[?_]` call. Optional list/map literal entries (`[?a]`, `{?k: v}`)
// stay unsupported. Rewritten rules keep their source offsets only up to the first rewrite.
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

/** Source with `.?f` and `[?i]` rewritten; unchanged when it has neither. */
export function rewriteOptionalSyntax(src: string): string {
  if (!src.includes('?')) return src;
  let out = '';
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
      out += `.${OPT_SELECT}(${JSON.stringify(sel[1])})`;
      i += sel[0].length;
      continue;
    }
    if (c === '[') {
      const prev = out.trimEnd().at(-1);
      const isIndex = isIdentChar(prev) || prev === ')' || prev === ']' || prev === '}' || prev === '"' || prev === "'";
      const opt = isIndex ? /^\[\s*\?/.exec(src.slice(i)) : null;
      brackets.push(!!opt);
      out += opt ? `.${OPT_INDEX}(` : c;
      i += opt ? opt[0].length : 1;
      continue;
    }
    if (c === ']') out += brackets.pop() ? ')' : c;
    else out += c;
    i++;
  }
  return out;
}
