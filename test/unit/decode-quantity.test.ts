// resource.Quantity parsing and canonical form, Go time and base64 rules used by the decoder.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { base64Error } from '../../src/api/decode/go-base64.js';
import { canonicalTime } from '../../src/api/decode/go-time.js';
import { compareQuantity, parseQuantity, roundUpToMilli } from '../../src/api/decode/quantity.js';

describe('quantity', () => {
  it('writes the canonical form upstream serializes', () => {
    const cases: Array<[string, string]> = [
      ['0', '0'], ['0.0', '0'], ['100m', '100m'], ['0.1', '100m'], ['1000', '1k'], ['1500', '1500'], ['1.5', '1500m'],
      ['1Ki', '1Ki'], ['1024', '1024'], ['1024Mi', '1Gi'], ['1.5Gi', '1536Mi'], ['0.5Ki', '512'], ['1e3', '1e3'],
      ['1000e3', '1e6'], ['+1', '+1'], ['-5', '-5'], ['12345678', '12345678'], ['1n', '1n'], ['0.0000000001', '1n'], ['5Gi', '5Gi'], ['8Gi', '8Gi'],
      [' 2Mi ', '2Mi'], ['1.', '1.'],
    ];
    for (const [input, want] of cases) assert.equal(parseQuantity(input).text, want, input);
  });

  it('rejects malformed text with upstream messages', () => {
    assert.throws(() => parseQuantity(''), /quantities must match the regular expression/);
    assert.throws(() => parseQuantity('1 Gi'), /quantities must match the regular expression/);
    assert.throws(() => parseQuantity('1Mk'), /unable to parse quantity's suffix/);
  });

  it('compares exactly across formats', () => {
    assert.equal(compareQuantity(parseQuantity('1Gi'), parseQuantity('1073741824')), 0);
    assert.equal(compareQuantity(parseQuantity('500m'), parseQuantity('0.6')), -1);
    assert.equal(compareQuantity(parseQuantity('2'), parseQuantity('1500m')), 1);
  });

  it('rounds resource lists up to milli precision', () => {
    assert.equal(roundUpToMilli('100u'), '1m');
    assert.equal(roundUpToMilli('1.0001'), '1001m');
    assert.equal(roundUpToMilli('250m'), '250m');
  });
});

describe('go time', () => {
  it('accepts RFC 3339 and writes UTC at second (Time) or microsecond (MicroTime) precision', () => {
    assert.equal(canonicalTime('2024-02-29T23:59:59-01:30', false), '2024-03-01T01:29:59Z');
    assert.equal(canonicalTime('2024-01-01T00:00:00.123456Z', true), '2024-01-01T00:00:00.123456Z');
  });

  it('fails with time.Parse messages', () => {
    assert.throws(() => canonicalTime('2023-02-29T00:00:00Z', false), { message: 'parsing time "2023-02-29T00:00:00Z": day out of range' });
    assert.throws(() => canonicalTime('2024-01-01 00:00:00Z', false), { message: 'parsing time "2024-01-01 00:00:00Z" as "2006-01-02T15:04:05Z07:00": cannot parse " 00:00:00Z" as "T"' });
    assert.throws(() => canonicalTime('2024-01-01T00:00:00', false), { message: 'parsing time "2024-01-01T00:00:00" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "Z07:00"' });
    assert.throws(() => canonicalTime('2024-01-01T00:00:00Zjunk', false), { message: 'parsing time "2024-01-01T00:00:00Zjunk": extra text: "junk"' });
    assert.throws(() => canonicalTime('2024-01-01T00:00:00Z', true), { message: 'parsing time "2024-01-01T00:00:00Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "Z" as ".000000"' });
  });
});

describe('go base64', () => {
  it('accepts padded standard base64 and newlines', () => {
    for (const ok of ['', 'YQ==', 'YWI=', 'YWJj', 'YW\nJj']) assert.equal(base64Error(ok), null, ok);
  });

  it('reports the byte offset Go reports', () => {
    assert.equal(base64Error('YQ'), 'illegal base64 data at input byte 0');
    assert.equal(base64Error('YWJ'), 'illegal base64 data at input byte 0');
    assert.equal(base64Error('Y==='), 'illegal base64 data at input byte 1');
    assert.equal(base64Error('YQ==YQ=='), 'illegal base64 data at input byte 4');
    assert.equal(base64Error('YWJj-'), 'illegal base64 data at input byte 4');
  });
});
