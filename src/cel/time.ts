// google.protobuf.Timestamp and Duration values: RFC 3339 timestamps and Go-style durations
// ("1h30m", "2.5s"), the forms cel-go's timestamp() and duration() accept.
import { Duration, Timestamp, evalError } from './values.js';

const NS = { ns: 1n, us: 1_000n, µs: 1_000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n };
// Range of google.protobuf.Timestamp: years 0001 through 9999.
const MIN_SECONDS = -62135596800n;
const MAX_SECONDS = 253402300799n;

export function parseTimestamp(text: string): Timestamp {
  const m = /^(\d{4}-\d{2}-\d{2})[Tt](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$/.exec(text);
  const ms = m ? Date.parse(`${m[1]}T${m[2]}${m[4]!.toUpperCase()}`) : NaN;
  if (!m || Number.isNaN(ms)) throw evalError(`timestamp conversion error: parsing time "${text}" as RFC 3339`);
  const frac = BigInt((m[3] ?? '').padEnd(9, '0') || '0');
  const seconds = BigInt(ms) / 1000n;
  if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) throw evalError('timestamp out of range');
  return new Timestamp(seconds * 1_000_000_000n + frac);
}

export function formatTimestamp(t: Timestamp): string {
  const secs = t.nanos / 1_000_000_000n;
  const frac = t.nanos % 1_000_000_000n;
  const base = new Date(Number(secs) * 1000).toISOString().replace(/\.\d{3}Z$/, '');
  const f = frac === 0n ? '' : `.${frac.toString().padStart(9, '0').replace(/0+$/, '')}`;
  return `${base}${f}Z`;
}

export function parseDuration(text: string): Duration {
  const m = /^([+-])?((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))+$/.exec(text);
  if (!m && text !== '0') throw evalError(`invalid duration "${text}"`);
  let total = 0n;
  for (const part of text.matchAll(/(\d*)(?:\.(\d*))?(ns|us|µs|ms|s|m|h)/g)) {
    const unit = NS[part[3] as keyof typeof NS];
    const frac = part[2] ?? '';
    total += BigInt(part[1] || '0') * unit + (frac ? (BigInt(frac) * unit) / 10n ** BigInt(frac.length) : 0n);
  }
  return new Duration(text.startsWith('-') ? -total : total);
}

/** Seconds with a trailing "s", as protobuf's JSON form and cel-go's string(duration) print. */
export function formatDuration(d: Duration): string {
  const neg = d.nanos < 0n;
  const abs = neg ? -d.nanos : d.nanos;
  const frac = abs % 1_000_000_000n;
  const f = frac === 0n ? '' : `.${frac.toString().padStart(9, '0').replace(/0+$/, '')}`;
  return `${neg ? '-' : ''}${abs / 1_000_000_000n}${f}s`;
}
