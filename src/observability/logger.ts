/**
 * klog-style text logging on stderr through winston:
 *
 *   I1128 03:18:59.123456   12345 run.js:126] "Serving securely" address="0.0.0.0:6443"
 *
 * The header is klog's (level letter, MMDD, local time with microseconds, pid padded to 7,
 * caller file:line); the rest is klog's structured form: quoted message, then key=value pairs.
 * Levels are checked before anything is formatted, so a disabled line costs a comparison.
 */
import { performance } from 'node:perf_hooks';
import { basename } from 'node:path';
import winston from 'winston';

export interface LogFields {
  [k: string]: unknown;
}

export interface Logger {
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** Verbosity-gated: logs only when the configured --v >= level. */
  v(level: number): { info(msg: string, fields?: LogFields): void; enabled: boolean };
}

type Level = 'info' | 'warn' | 'error';
const LEVEL_LETTER: Record<Level, string> = { info: 'I', warn: 'W', error: 'E' };

// Keys winston transports read the level and the finished line from.
const LEVEL = Symbol.for('level');
const MESSAGE = Symbol.for('message');

const NOOP = (): void => undefined;

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** klog's header: Lmmdd hh:mm:ss.uuuuuu threadid file:line] */
function header(level: Level, caller: string): string {
  const epochMs = performance.timeOrigin + performance.now();
  const d = new Date(Math.floor(epochMs));
  const micros = Math.floor((epochMs % 1000) * 1000);
  return (
    `${LEVEL_LETTER[level]}${pad(d.getMonth() + 1, 2)}${pad(d.getDate(), 2)} ` +
    `${pad(d.getHours(), 2)}:${pad(d.getMinutes(), 2)}:${pad(d.getSeconds(), 2)}.${pad(micros, 6)} ` +
    `${String(process.pid).padStart(7)} ${caller}] `
  );
}

/** Control characters but tab, escaped JSON-style: a client's text (a YAML tag, a key) cannot forge log lines or drive a terminal. */
const escapeControls = (line: string): string =>
  line.replace(/[\u0000-\u0008\u000b-\u001f\u007f\u2028\u2029]/g, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** A string value: quoted, or klog's indented block when it spans lines. */
function quoteString(s: string): string {
  if (!s.includes('\n')) return JSON.stringify(s);
  return `<\n${s.replace(/\n$/, '').split('\n').map(l => `\t${escapeControls(l)}`).join('\n')}\n >`;
}

function formatValue(v: unknown): string {
  if (typeof v === 'string') return quoteString(v);
  if (v instanceof Error) return JSON.stringify(v.message);
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v instanceof Date) return JSON.stringify(v.toISOString());
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return JSON.stringify(String(v));
  }
}

/** The line after the header: "msg" k="v" ... */
function formatBody(msg: string, fields: LogFields | undefined): string {
  let out = JSON.stringify(msg);
  if (fields) {
    for (const [k, v] of Object.entries(fields)) out += ` ${k}=${formatValue(v)}`;
  }
  return out;
}

/** file:line of the code that called the logger (the frame above this module). */
function callerLocation(): string {
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 6;
  Error.captureStackTrace(holder, callerLocation);
  Error.stackTraceLimit = limit;
  const frames = (holder.stack ?? '').split('\n').slice(1);
  const self = import.meta.url;
  for (const frame of frames) {
    if (frame.includes(self)) continue;
    const m = /\(?([^\s()]+):(\d+):\d+\)?$/.exec(frame);
    if (m) return `${basename(m[1])}:${m[2]}`;
  }
  return '???:1';
}

/**
 * winston's Console transport writes the lines. It is called directly rather than through a
 * winston logger: the logger's stream pipeline delivers lines a tick later, which loses the
 * last words of a process that logs and exits, and it re-checks levels we already checked.
 */
const stderr = new winston.transports.Console({ stderrLevels: ['error', 'warn', 'info'] });

function emit(level: Level, msg: string, fields: LogFields | undefined): void {
  const line = header(level, callerLocation()) + formatBody(msg, fields);
  stderr.log?.({ level, message: line, [LEVEL]: level, [MESSAGE]: line }, NOOP);
}

let verbosity = 0;

interface Verbose {
  info(msg: string, fields?: LogFields): void;
  enabled: boolean;
}

/** One preallocated gate per level, so v(n) allocates nothing on hot paths. */
const verboseGates: Verbose[] = [];
const MAX_CACHED_LEVEL = 100;

function gateFor(level: number): Verbose {
  let g = verboseGates[level];
  if (!g) {
    g = { info: NOOP, enabled: false };
    verboseGates[level] = g;
    refreshGate(g, level);
  }
  return g;
}

function refreshGate(g: Verbose, level: number): void {
  g.enabled = verbosity >= level;
  g.info = g.enabled ? (msg: string, fields?: LogFields) => emit('info', msg, fields) : NOOP;
}

/** Sets the --v level that v(n) compares against. */
export function setVerbosity(level: number): void {
  verbosity = level;
  verboseGates.forEach(refreshGate);
}

function verbose(level: number): Verbose {
  const n = Math.max(0, Math.ceil(level));
  if (n <= MAX_CACHED_LEVEL) return gateFor(n);
  const g: Verbose = { info: NOOP, enabled: false };
  refreshGate(g, n);
  return g;
}

export const log: Logger = {
  info: (msg, fields) => emit('info', msg, fields),
  warn: (msg, fields) => emit('warn', msg, fields),
  error: (msg, fields) => emit('error', msg, fields),
  v: verbose,
};
