// Go's base64.StdEncoding decoding rules, used for []byte fields (Secret.data, caBundle...).
// Only the verdict and the error position matter: upstream answers
// "illegal base64 data at input byte N" for a bad value.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DECODE = new Int16Array(256).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

const PAD = 0x3d;
const isNewline = (b: number | undefined) => b === 0x0a || b === 0x0d;

/** The byte offset Go's decoder would report, or -1 when the input decodes. */
function corruptAt(src: Uint8Array): number {
  let si = 0;
  while (si < src.length) {
    // One quantum of up to four symbols, as Go's decodeQuantum reads it.
    let j = 0;
    for (; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return -1;
        return si - j;
      }
      const b = src[si] ?? 0;
      si++;
      if ((DECODE[b] ?? -1) >= 0) continue;
      if (isNewline(b)) {
        j--;
        continue;
      }
      if (b !== PAD) return si - 1;
      if (j === 0 || j === 1) return si - 1;
      if (j === 2) {
        while (si < src.length && isNewline(src[si])) si++;
        if (si === src.length) return src.length;
        if (src[si] !== PAD) return si - 1;
        si++;
      }
      while (si < src.length && isNewline(src[si])) si++;
      if (si < src.length) return si;
      return -1;
    }
  }
  return -1;
}

/** null when s is valid standard base64, else upstream's error message. */
export function base64Error(s: string): string | null {
  const at = corruptAt(Buffer.from(s, 'utf8'));
  return at < 0 ? null : `illegal base64 data at input byte ${at}`;
}
