// Percent-decoding of request paths as Go's net/url does it: a "%" not followed by two hex digits
// makes the whole request a 400 before any handler runs, and decoded bytes that are not UTF-8 stay
// a (non-matching) string instead of throwing as decodeURIComponent would.

const BAD_ESCAPE = /%(?![0-9a-fA-F]{2})/;

/** Whether a raw request path (no query) holds a malformed percent-escape. */
export function hasInvalidEscape(path: string): boolean {
  return BAD_ESCAPE.test(path);
}

/** Decodes one path segment; invalid UTF-8 becomes U+FFFD. Callers reject bad escapes first. */
export function decodePathSegment(segment: string): string {
  if (!segment.includes('%')) return segment;
  const bytes: number[] = [];
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === '%' && /^[0-9a-fA-F]{2}$/.test(segment.slice(i + 1, i + 3))) {
      bytes.push(parseInt(segment.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(c, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
