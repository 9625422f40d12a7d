import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultEnvironment } from '../../src/cel/env.js';
import { T, type CelT } from '../../src/cel/types.js';
import { fromJson, toJs, type Value } from '../../src/cel/values.js';

const vars = new Map<string, CelT>([['self', T.dyn], ['n', T.int], ['s', T.string], ['xs', T.list(T.int)]]);
const bound: Record<string, Value> = { self: fromJson({ a: [1, 2, 3], s: 'Hello' }), n: 5n, s: 'abc', xs: [3n, 1n, 2n] };

function run(expr: string, limit?: number): unknown {
  const c = defaultEnvironment.compile(expr, vars);
  if (!c.ok) throw new Error(c.issues);
  const r = c.program.evaluate(name => bound[name], limit);
  if (!r.ok) throw new Error(r.message);
  return toJs(r.value);
}

const compileError = (expr: string) => {
  const c = defaultEnvironment.compile(expr, vars);
  assert.equal(c.ok, false, expr);
  return c.ok ? '' : c.issues;
};

test('standard operators, macros and conversions', () => {
  assert.equal(run('n * 2 + 1'), 11);
  assert.deepEqual(run('self.a.map(x, x * 2)'), [2, 4, 6]);
  assert.deepEqual(run('self.a.filter(x, x > 1)'), [2, 3]);
  assert.equal(run('self.a.all(x, x > 0) && self.a.exists_one(x, x == 2)'), true);
  assert.equal(run('has(self.s) && !has(self.zzz)'), true);
  assert.equal(run("type(n) == int && string(n) == '5' && int('7') == 7"), true);
  assert.equal(run('dyn(1) == 1.0 && dyn(2u) == 2'), true);
  assert.match(compileError('1 == 1.0'), /applied to '\(int, double\)'/);
  assert.equal(run("duration('1h') > duration('30m')"), true);
  assert.equal(run("timestamp('2024-01-01T00:00:00Z') + duration('1h') == timestamp('2024-01-01T01:00:00Z')"), true);
  // Errors on one side of || are absorbed when the other side decides.
  assert.equal(run('1/0 == 1 || true'), true);
  assert.throws(() => run('xs[5]'), /index out of bounds: 5/);
  assert.throws(() => run('self.missing'), /no such key: missing/);
});

test('type errors at compile time use cel-go wording', () => {
  assert.match(compileError('n + "a"'), /^ERROR: <input>:1:3: found no matching overload for '_\+_' applied to '\(int, string\)'\n \| n \+ "a"\n \| \.\.\^$/);
  assert.match(compileError('s.contains(1)'), /found no matching overload for 'contains' applied to 'string\.\(int\)'/);
  assert.match(compileError('n.foo'), /type 'int' does not support field selection/);
  assert.match(compileError('nope > 1'), /undeclared reference to 'nope' \(in container ''\)/);
  assert.match(compileError('n +'), /Syntax error/);
});

test('lists library', () => {
  assert.equal(run('xs.sum()'), 6);
  assert.equal(run('xs.min()'), 1);
  assert.equal(run('xs.max()'), 3);
  assert.equal(run('xs.isSorted()'), false);
  assert.equal(run('[1, 2, 2].isSorted()'), true);
  assert.equal(run('[1, 2, 1].indexOf(1)'), 0);
  assert.equal(run('[1, 2, 1].lastIndexOf(1)'), 2);
  assert.throws(() => run('xs.filter(x, x > 9).max()'), /max\(list\) argument must not be empty/);
});

test('regex library', () => {
  assert.equal(run("'abc 123 def 456'.find('[0-9]+')"), '123');
  assert.deepEqual(run("'abc 123 def 456'.findAll('[0-9]+')"), ['123', '456']);
  assert.deepEqual(run("'a1b2c3'.findAll('[0-9]', 2)"), ['1', '2']);
  assert.equal(run("'abc'.matches('^a.c$')"), true);
});

test('url library', () => {
  const u = "url('https://user@example.com:8443/a%20b?x=1&x=2&y=')";
  assert.equal(run(`${u}.getScheme()`), 'https');
  assert.equal(run(`${u}.getHost()`), 'example.com:8443');
  assert.equal(run(`${u}.getHostname()`), 'example.com');
  assert.equal(run(`${u}.getPort()`), '8443');
  assert.equal(run(`${u}.getEscapedPath()`), '/a%20b');
  assert.deepEqual(run(`${u}.getQuery()`), { x: ['1', '2'], y: [''] });
  assert.equal(run("url('https://[::1]:80/').getHostname()"), '::1');
  assert.equal(run("isURL('/absolute/path') && !isURL('relative/path')"), true);
  assert.throws(() => run("url('relative')"), /URL parse error during conversion from string: parse "relative": invalid URI for request/);
});

test('quantity library', () => {
  assert.equal(run("quantity('1Gi').isGreaterThan(quantity('1G'))"), true);
  assert.equal(run("quantity('500m').isLessThan(quantity('1'))"), true);
  assert.equal(run("quantity('1Ki').asInteger()"), 1024);
  assert.equal(run("quantity('1.5').asApproximateFloat()"), 1.5);
  assert.equal(run("quantity('1.5').isInteger()"), false);
  assert.equal(run("quantity('-3').sign()"), -1);
  assert.equal(run("quantity('1').add(quantity('500m')) == quantity('1500m')"), true);
  assert.equal(run("quantity('2').sub(1) == quantity('1')"), true);
  assert.equal(run("quantity('1M').compareTo(quantity('1000k'))"), 0);
  assert.equal(run("isQuantity('1Gi') && !isQuantity('one')"), true);
  assert.throws(() => run("quantity('1.5').asInteger()"), /cannot convert value to integer/);
});

test('ip and cidr libraries', () => {
  assert.equal(run("ip('10.0.0.1').family()"), 4);
  assert.equal(run("ip('fe80::1').family() == 6 && ip('fe80::1').isLinkLocalUnicast()"), true);
  assert.equal(run("ip('127.0.0.1').isLoopback() && ip('::1').isLoopback()"), true);
  assert.equal(run("ip('0.0.0.0').isUnspecified() && ip('224.0.0.1').isLinkLocalMulticast()"), true);
  assert.equal(run("ip('8.8.8.8').isGlobalUnicast() && !ip('127.0.0.1').isGlobalUnicast()"), true);
  assert.equal(run("isIP('1.2.3.4') && !isIP('1.2.3.04') && !isIP('::ffff:1.2.3.4')"), true);
  assert.equal(run("ip.isCanonical('2001:db8::1') && !ip.isCanonical('2001:DB8::1')"), true);
  assert.equal(run("cidr('10.0.0.0/8').containsIP(ip('10.1.2.3')) && cidr('10.0.0.0/8').containsIP('10.9.9.9')"), true);
  assert.equal(run("cidr('10.0.0.0/8').containsCIDR('10.1.0.0/16') && !cidr('10.1.0.0/16').containsCIDR('10.0.0.0/8')"), true);
  assert.equal(run("cidr('192.168.1.7/24').prefixLength()"), 24);
  assert.equal(run("string(cidr('192.168.1.7/24').masked())"), '192.168.1.0/24');
  assert.equal(run("string(cidr('192.168.1.7/24').ip())"), '192.168.1.7');
  assert.equal(run("isCIDR('10.0.0.0/8') && !isCIDR('10.0.0.0/33')"), true);
  assert.throws(() => run("ip('::ffff:1.2.3.4')"), /IPv4-mapped IPv6 address "::ffff:1.2.3.4" is not allowed/);
});

test('format library and optionals', () => {
  assert.equal(run("format.dns1123Label().validate('my-name').hasValue()"), false);
  const errs = run("format.dns1123Label().validate('My_Name').value()") as string[];
  assert.match(errs[0]!, /a lowercase RFC 1123 label must consist of/);
  assert.equal(run("format.named('uuid').value().validate('not-a-uuid').hasValue()"), true);
  assert.equal(run("format.named('nope').hasValue()"), false);
  assert.equal(run('optional.of(1).orValue(2) + optional.none().orValue(3)'), 4);
});

test('strings extension', () => {
  assert.equal(run("'hello'.charAt(1)"), 'e');
  assert.equal(run("'hello'.indexOf('l')"), 2);
  assert.equal(run("'hello'.lastIndexOf('l')"), 3);
  assert.equal(run("'HeLLo'.lowerAscii() + 'x'.upperAscii()"), 'helloX');
  assert.equal(run("'a-b-c'.replace('-', '+', 1)"), 'a+b-c');
  assert.deepEqual(run("'a,b,c'.split(',')"), ['a', 'b', 'c']);
  assert.equal(run("'hello'.substring(1, 3)"), 'el');
  assert.equal(run("'  pad  '.trim()"), 'pad');
  assert.equal(run("['a', 'b'].join('/')"), 'a/b');
  assert.equal(run("'%s has %d items at %.2f'.format(['x', 3, 1.5])"), 'x has 3 items at 1.50');
});

test('runtime cost limit aborts with cel-go text', () => {
  const c = defaultEnvironment.compile('xs.all(x, xs.all(y, x + y > 0))', vars);
  assert.ok(c.ok);
  const within = c.program.evaluate(name => bound[name]);
  assert.equal(within.ok, true);
  const over = c.program.evaluate(name => bound[name], 10);
  assert.equal(over.ok, false);
  assert.ok(!over.ok && over.costExceeded);
  assert.equal(!over.ok && over.message, 'operation cancelled: actual cost limit exceeded');
});

test('static cost grows with bounds', () => {
  const bounded = new Map<string, CelT>([['l', T.list({ kind: 'string', maxElements: 10 }, 5)]]);
  const unbounded = new Map<string, CelT>([['l', T.list(T.string)]]);
  const expr = "l.all(x, x.contains('a'))";
  const a = defaultEnvironment.compile(expr, bounded);
  const b = defaultEnvironment.compile(expr, unbounded);
  assert.ok(a.ok && b.ok);
  assert.ok(a.program.estimatedCost < 100, String(a.program.estimatedCost));
  assert.ok(b.program.estimatedCost > 1e12);
});
