/** The klog-style logger: line format on stderr and verbosity gating. */
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { log, setVerbosity } from '../../src/observability/logger.js';

/** Runs fn while collecting what is written to stderr (winston's Console transport writes there). */
function captureStderr(fn: () => void): string[] {
  const chunks: string[] = [];
  const original = process.stderr.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
    return true;
  }) as typeof process.stderr.write;
  try {
    fn();
  } finally {
    process.stderr.write = original;
  }
  return chunks.join('').split('\n').filter(l => l !== '');
}

afterEach(() => setVerbosity(0));

const HEADER = /^([IWE])(\d{2})(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{6}) +(\d+) ([^ \]]+):(\d+)\] (.*)$/;

test('lines carry klog\'s header: level letter, MMDD, time with microseconds, pid, caller', () => {
  const before = new Date();
  const [line] = captureStderr(() => log.info('Serving securely', { address: '0.0.0.0:6443' }));
  const m = HEADER.exec(line);
  assert.ok(m, line);
  assert.equal(m[1], 'I');
  assert.equal(Number(m[2]), before.getMonth() + 1);
  assert.equal(Number(m[3]), before.getDate());
  assert.equal(Number(m[4]), before.getHours());
  assert.equal(m[8], String(process.pid));
  assert.equal(m[9], 'logger.test.js', 'the caller, not the logger, is named');
  assert.equal(m[11], '"Serving securely" address="0.0.0.0:6443"');
  // The pid is right-aligned in seven columns after one space, as klog pads it.
  assert.ok(line.includes(` ${String(process.pid).padStart(7)} logger.test.js:`));
});

test('warn and error use W and E', () => {
  const lines = captureStderr(() => {
    log.warn('careful');
    log.error('failed', { err: new Error('boom') });
  });
  assert.equal(HEADER.exec(lines[0])?.[1], 'W');
  assert.equal(HEADER.exec(lines[1])?.[1], 'E');
  assert.equal(HEADER.exec(lines[1])?.[11], '"failed" err="boom"');
});

test('values are formatted like klog: strings quoted, numbers and bools bare, nil, objects as JSON', () => {
  const [line] = captureStderr(() =>
    log.info('values', { s: 'a "q"', n: 42, b: false, none: undefined, obj: { k: 'v' }, list: [1, 2] }),
  );
  assert.equal(HEADER.exec(line)?.[11], '"values" s="a \\"q\\"" n=42 b=false none=<nil> obj={"k":"v"} list=[1,2]');
});

test('multi-line string values become klog\'s indented block', () => {
  const lines = captureStderr(() => log.info('checks', { out: '[+]ping ok\n[-]etcd failed' }));
  assert.equal(HEADER.exec(lines[0])?.[11], '"checks" out=<');
  assert.deepEqual(lines.slice(1), ['\t[+]ping ok', '\t[-]etcd failed', ' >']);
});

test('v(n) logs only when --v >= n, and enabled says so before fields are built', () => {
  setVerbosity(2);
  assert.equal(log.v(2).enabled, true);
  assert.equal(log.v(3).enabled, false);
  assert.equal(log.v(0).enabled, true);
  const lines = captureStderr(() => {
    log.v(1).info('shown at 1');
    log.v(2).info('shown at 2');
    log.v(3).info('hidden at 3');
    if (log.v(5).enabled) log.v(5).info('never', { costly: JSON.stringify({}) });
  });
  assert.deepEqual(lines.map(l => HEADER.exec(l)?.[11]), ['"shown at 1"', '"shown at 2"']);
});

test('setVerbosity takes effect on gates obtained earlier', () => {
  const gate = log.v(4);
  assert.equal(gate.enabled, false);
  assert.deepEqual(captureStderr(() => gate.info('before')), []);
  setVerbosity(4);
  assert.equal(gate.enabled, true);
  assert.equal(captureStderr(() => gate.info('after')).length, 1);
  assert.equal(log.v(4), gate, 'gates are reused, not allocated per call');
  assert.equal(log.v(500).enabled, false);
});

test('a multi-line value keeps client control characters escaped (no forged lines, no terminal codes)', () => {
  const lines = captureStderr(() => log.info('decode failed', { err: 'yaml: line 1: tag !<\u001b[31mred>\nfake\rI0101 forged' }));
  assert.ok(lines.every(l => !/[\u001b\r]/.test(l)), JSON.stringify(lines));
  assert.ok(lines.some(l => l.includes('\\u001b[31mred')), JSON.stringify(lines));
  assert.ok(lines.some(l => l.includes('fake\\u000dI0101 forged')), JSON.stringify(lines));
});
