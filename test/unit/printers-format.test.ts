// Duration and quantity formatting used in table cells (apimachinery's duration and
// resource.Quantity String()).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { humanDuration, shortHumanDuration, since } from '../../src/api/printers/duration.js';
import { formatQuantity } from '../../src/api/printers/quantity.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;
const Y = 365 * D;

test('humanDuration', () => {
  const cases: [number, string][] = [
    [S, '1s'], [70 * S, '70s'], [190 * S, '3m10s'], [70 * M, '70m'], [47 * H, '47h'], [49 * H, '2d1h'],
    [8 * D + 2 * H, '8d'], [367 * D, '367d'], [2 * Y + 25 * H, '2y1d'], [8 * Y + 2 * H, '8y'],
    [45 * S, '45s'], [5 * M + 10 * S, '5m10s'], [3 * H, '3h'], [2 * D + 5 * H, '2d5h'], [400 * D, '400d'],
    // Boundaries, from upstream's table.
    [-2 * S, '<invalid>'], [-2 * S + 1, '0s'], [0, '0s'], [S - 1, '0s'], [2 * M - 1, '119s'], [2 * M, '2m'],
    [2 * M + S, '2m1s'], [10 * M - 1, '9m59s'], [10 * M, '10m'], [10 * M + S, '10m'], [3 * H - 1, '179m'],
    [3 * H + M, '3h1m'], [8 * H - 1, '7h59m'], [8 * H, '8h'], [8 * H + 59 * M, '8h'], [2 * D - 1, '47h'],
    [2 * D, '2d'], [8 * D - 1, '7d23h'], [8 * D, '8d'], [8 * D + 23 * H, '8d'], [2 * Y - 1, '729d'], [2 * Y, '2y'],
    [2 * Y + 23 * H + 59 * M, '2y'], [2 * Y + D - 1, '2y'], [2 * Y + D, '2y1d'], [3 * Y, '3y'], [7 * Y, '7y'],
    [8 * Y - 1, '7y364d'], [8 * Y, '8y'], [8 * Y + 364 * D, '8y'], [9 * Y, '9y'],
  ];
  for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, `${ms}ms`);
});

test('shortHumanDuration', () => {
  const cases: [number, string][] = [
    [-2 * S, '<invalid>'], [-2 * S + 1, '0s'], [0, '0s'], [S - 1, '0s'], [S, '1s'], [2 * S - 1, '1s'], [M - 1, '59s'],
    [M, '1m'], [2 * M - 1, '1m'], [H - 1, '59m'], [H, '1h'], [2 * H - 1, '1h'], [D - 1, '23h'], [D, '1d'],
    [2 * D - 1, '1d'], [Y - 1, '364d'], [Y, '1y'], [2 * Y - 1, '1y'], [2 * Y, '2y'],
  ];
  for (const [ms, want] of cases) assert.equal(shortHumanDuration(ms), want, `${ms}ms`);
});

test('since: unset and Go zero timestamps are <unknown>', () => {
  const now = new Date('2024-05-01T12:00:00Z');
  assert.equal(since('2024-05-01T11:59:15Z', now), '45s');
  assert.equal(since('2024-04-29T07:00:00Z', now), '2d5h');
  assert.equal(since(undefined, now), '<unknown>');
  assert.equal(since(null, now), '<unknown>');
  assert.equal(since('0001-01-01T00:00:00Z', now), '<unknown>');
  assert.equal(since('2024-05-01T12:00:05Z', now), '<invalid>');
});

test('formatQuantity: canonical forms', () => {
  const cases: [unknown, string][] = [
    ['1Gi', '1Gi'], ['1024Mi', '1Gi'], ['1.5Gi', '1536Mi'], ['0.5Gi', '512Mi'], ['1000Mi', '1000Mi'],
    ['2048Ki', '2Mi'], ['0.5Ki', '512'], ['1Ki', '1Ki'], ['1536Mi', '1536Mi'],
    ['2000', '2k'], ['1500', '1500'], ['12000', '12k'], ['0.1', '100m'], ['1.5', '1500m'], ['100m', '100m'],
    ['1000m', '1'], ['1e3', '1e3'], ['1e4', '10e3'], ['1E3', '1E3'], ['1E4', '10e3'], ['5G', '5G'], ['0.0000000001', '1n'],
    ['0', '0'], ['000', '0'], ['0.0', '0'], ['-1.5Gi', '-1536Mi'], ['+5', '+5'], ['05', '05'],
    [10, '10'], [1.5, '1500m'], [undefined, '0'], ['bogus', 'bogus'],
  ];
  for (const [input, want] of cases) assert.equal(formatQuantity(input), want, String(input));
});
