import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultEnvironment } from '../../src/cel/env.js';
import { toJs } from '../../src/cel/values.js';

function run(expr: string): unknown {
  const c = defaultEnvironment.compile(expr, new Map());
  if (!c.ok) throw new Error(c.issues);
  const r = c.program.evaluate(() => undefined);
  if (!r.ok) throw new Error(r.message);
  return toJs(r.value);
}

const T = "timestamp('2023-08-26T12:39:00.123456-07:00')";

test('timestamp accessors read UTC by default', () => {
  const got = ['getFullYear', 'getMonth', 'getDate', 'getDayOfMonth', 'getDayOfWeek', 'getDayOfYear', 'getHours', 'getMinutes', 'getSeconds', 'getMilliseconds']
    .map(f => run(`${T}.${f}()`));
  assert.deepEqual(got, [2023, 7, 26, 25, 6, 237, 19, 39, 0, 123]);
});

test('timestamp accessors in a time zone: IANA names, UTC and fixed offsets', () => {
  assert.equal(run(`${T}.getHours('America/Los_Angeles')`), 12);
  assert.equal(run(`${T}.getHours('UTC')`), 19);
  assert.equal(run(`${T}.getDate('+05:30')`), 27);
  assert.equal(run(`${T}.getHours('+05:30')`), 1);
  assert.equal(run(`${T}.getMinutes('-02:15')`), 24);
  assert.equal(run(`${T}.getDayOfWeek('Asia/Tokyo')`), 0);
  assert.throws(() => run(`${T}.getHours('Mars/Base')`), /unknown time zone Mars\/Base/);
});

test('before the epoch, milliseconds stay non-negative', () => {
  assert.equal(run("timestamp('1969-12-31T23:59:59.5Z').getMilliseconds()"), 500);
  assert.equal(run("timestamp('1969-12-31T23:59:59.5Z').getSeconds()"), 59);
  assert.equal(run("timestamp('0050-03-01T00:00:00Z').getFullYear()"), 50);
});

test('duration accessors are totals truncated toward zero', () => {
  assert.equal(run("duration('90m').getHours()"), 1);
  assert.equal(run("duration('-90m').getHours()"), -1);
  assert.equal(run("duration('90m').getMinutes()"), 90);
  assert.equal(run("duration('1.5s').getSeconds()"), 1);
  assert.equal(run("duration('1.5s').getMilliseconds()"), 1500);
});
