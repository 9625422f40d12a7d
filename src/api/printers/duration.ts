// Human-readable durations exactly as k8s.io/apimachinery/pkg/util/duration prints them, and
// the "time since" helpers upstream's printers build on them.

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** Go's int(x): truncation toward zero. */
const trunc = Math.trunc;

/** ~2-3 significant figures: "45s", "5m10s", "3h", "2d5h", "400d", "3y20d". */
export function humanDuration(ms: number): string {
  // Up to 2s in the future counts as now (clock skew between machines).
  const seconds = trunc(ms / SECOND);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = trunc(ms / MINUTE);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = trunc(ms / HOUR);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${trunc(hours / 24)}d` : `${trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const days = trunc(hours / 24);
    const dy = days % 365;
    return dy === 0 ? `${trunc(days / 365)}y` : `${trunc(days / 365)}y${dy}d`;
  }
  return `${trunc(hours / 24 / 365)}y`;
}

/** One unit only: "45s", "5m", "3h", "2d", "1y". */
export function shortHumanDuration(ms: number): string {
  const seconds = trunc(ms / SECOND);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60) return `${seconds}s`;
  const minutes = trunc(ms / MINUTE);
  if (minutes < 60) return `${minutes}m`;
  const hours = trunc(ms / HOUR);
  if (hours < 24) return `${hours}h`;
  if (hours < 24 * 365) return `${trunc(hours / 24)}d`;
  return `${trunc(ms / HOUR / 24 / 365)}y`;
}

/** Milliseconds since the epoch, or undefined for an unset (or Go zero-value) timestamp. */
export function parseTimestamp(ts: unknown): number | undefined {
  if (typeof ts !== 'string' || ts === '') return undefined;
  const ms = Date.parse(ts);
  if (Number.isNaN(ms) || ms === Date.parse('0001-01-01T00:00:00Z')) return undefined;
  return ms;
}

/** Upstream's translateTimestampSince: "<unknown>" when unset. */
export function since(ts: unknown, now: Date): string {
  const ms = parseTimestamp(ts);
  return ms === undefined ? '<unknown>' : humanDuration(now.getTime() - ms);
}
