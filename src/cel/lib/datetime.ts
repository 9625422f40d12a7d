// cel-go's timestamp and duration accessors (getFullYear … getMilliseconds): timestamps read in
// UTC or in the time zone argument — an IANA name, "UTC", or a "+HH:MM"/"-HH:MM" offset —
// durations as whole hours, minutes, seconds or milliseconds (truncated, as Go's int64() does).
import { method, type Overload } from '../functions.js';
import { T } from '../types.js';
import { Duration, Timestamp, evalError, type Value } from '../values.js';

const { int, string, timestamp, duration } = T;
const NS_PER_MS = 1_000_000n;
const MS_PER_DAY = 86_400_000;

const zoneFormats = new Map<string, Intl.DateTimeFormat>();

function zoneFormat(zone: string): Intl.DateTimeFormat {
  let f = zoneFormats.get(zone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
      });
    } catch {
      throw evalError(`unknown time zone ${zone}`);
    }
    zoneFormats.set(zone, f);
  }
  return f;
}

/** Offset east of UTC in ms of a named zone at instant ms. */
function namedZoneOffset(zone: string, ms: number): number {
  const parts = Object.fromEntries(zoneFormat(zone).formatToParts(new Date(ms)).map(p => [p.type, p.value]));
  const wall = new Date(0);
  // setUTCFullYear keeps years below 100 as they are (Date.UTC would map them to the 1900s).
  wall.setUTCFullYear(Number(parts['year']), Number(parts['month']) - 1, Number(parts['day']));
  wall.setUTCHours(Number(parts['hour']), Number(parts['minute']), Number(parts['second']), 0);
  return wall.getTime() - (ms - (((ms % 1000) + 1000) % 1000));
}

/** The zone's offset in ms: a fixed "[+-]HH:MM" (cel-go's test for a colon) or a named zone. */
function zoneOffset(zone: string | undefined, ms: number): number {
  if (zone === undefined) return 0;
  const colon = zone.indexOf(':');
  if (colon < 0) return zone === 'UTC' ? 0 : namedZoneOffset(zone, ms);
  const [h, m] = [zone.slice(0, colon), zone.slice(colon + 1)];
  if (!/^[+-]?\d+$/.test(h) || !/^[+-]?\d+$/.test(m)) throw evalError(`strconv.Atoi: parsing ${JSON.stringify(/^[+-]?\d+$/.test(h) ? m : h)}: invalid syntax`);
  const [hours, minutes] = [Number.parseInt(h, 10), Number.parseInt(m, 10)];
  const offset = zone.startsWith('-') ? hours * 60 - minutes : hours * 60 + minutes;
  return offset * 60_000;
}

interface Wall {
  date: Date;
  /** Milliseconds within the second, never negative (Go's Nanosecond()/1e6). */
  millis: number;
}

function wallClock(t: Timestamp, zone: string | undefined): Wall {
  const ms = Number(t.nanos / NS_PER_MS - (t.nanos % NS_PER_MS < 0n ? 1n : 0n));
  const date = new Date(ms + zoneOffset(zone, ms));
  const sub = Number(((t.nanos % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n / NS_PER_MS);
  return { date, millis: sub };
}

function dayOfYear(d: Date): number {
  const start = new Date(0);
  start.setUTCFullYear(d.getUTCFullYear(), 0, 1);
  return Math.floor((d.getTime() - start.getTime()) / MS_PER_DAY);
}

const accessors: Record<string, (w: Wall) => number> = {
  getFullYear: w => w.date.getUTCFullYear(),
  getMonth: w => w.date.getUTCMonth(),
  getDate: w => w.date.getUTCDate(),
  getDayOfMonth: w => w.date.getUTCDate() - 1,
  getDayOfWeek: w => w.date.getUTCDay(),
  getDayOfYear: w => dayOfYear(w.date),
  getHours: w => w.date.getUTCHours(),
  getMinutes: w => w.date.getUTCMinutes(),
  getSeconds: w => w.date.getUTCSeconds(),
  getMilliseconds: w => w.millis,
};

const durationUnits: Record<string, bigint> = {
  getHours: 3_600_000_000_000n, getMinutes: 60_000_000_000n, getSeconds: 1_000_000_000n, getMilliseconds: NS_PER_MS,
};

const ts = (v: Value) => v as Timestamp;

export const datetimeLibrary: Overload[] = [
  ...Object.entries(accessors).flatMap(([name, get]) => [
    method(name, [timestamp], int, a => BigInt(get(wallClock(ts(a[0]!), undefined)))),
    method(name, [timestamp, string], int, a => BigInt(get(wallClock(ts(a[0]!), a[1] as string)))),
  ]),
  // BigInt division truncates toward zero, as Go's conversion of Hours() etc. does.
  ...Object.entries(durationUnits).map(([name, unit]) => method(name, [duration], int, a => (a[0] as Duration).nanos / unit)),
];
