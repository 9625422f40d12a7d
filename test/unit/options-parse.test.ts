/** parseFlags: pflag's command-line semantics and error messages. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FlagError, parseFlags } from '../../src/options/parse.js';

function parseError(argv: string[]): string {
  try {
    parseFlags(argv);
  } catch (e) {
    assert.ok(e instanceof FlagError, `expected a FlagError, got ${String(e)}`);
    assert.ok(!e.message.includes('\n'), 'one line');
    return e.message;
  }
  assert.fail(`${argv.join(' ')} was accepted`);
}

test('unknown flags and bad syntax are rejected in pflag\'s words', () => {
  assert.equal(parseError(['--foo']), 'unknown flag: --foo');
  assert.equal(parseError(['--foo=bar']), 'unknown flag: --foo');
  assert.equal(parseError(['-x']), "unknown shorthand flag: 'x' in -x");
  assert.equal(parseError(['---secure-port=1']), 'bad flag syntax: ---secure-port=1');
  assert.equal(parseError(['--=1']), 'bad flag syntax: --=1');
  assert.equal(parseError(['--secure-port']), 'flag needs an argument: --secure-port');
  assert.equal(parseError(['-v']), "flag needs an argument: 'v' in -v");
});

test('positional arguments are refused as kube-apiserver\'s cobra command refuses them', () => {
  assert.equal(parseError(['serve']), '"kube-apiserver" does not take any arguments, got ["serve"]');
  assert.equal(parseError(['--', 'a', 'b']), '"kube-apiserver" does not take any arguments, got ["a" "b"]');
  // A bool flag never takes the next argument, so "true" becomes positional.
  assert.equal(parseError(['--allow-privileged', 'true']), '"kube-apiserver" does not take any arguments, got ["true"]');
  assert.doesNotThrow(() => parseFlags(['--', '']));
});

test('malformed values name the flag and carry Go\'s parse error', () => {
  assert.equal(
    parseError(['--secure-port=abc']),
    'invalid argument "abc" for "--secure-port" flag: strconv.ParseInt: parsing "abc": invalid syntax',
  );
  assert.equal(
    parseError(['--secure-port', '99999999999999999999']),
    'invalid argument "99999999999999999999" for "--secure-port" flag: strconv.ParseInt: parsing "99999999999999999999": value out of range',
  );
  assert.equal(parseError(['--request-timeout=5']), 'invalid argument "5" for "--request-timeout" flag: time: missing unit in duration "5"');
  assert.equal(parseError(['--request-timeout=abc']), 'invalid argument "abc" for "--request-timeout" flag: time: invalid duration "abc"');
  assert.equal(parseError(['--request-timeout=5y']), 'invalid argument "5y" for "--request-timeout" flag: time: unknown unit "y" in duration "5y"');
  assert.equal(parseError(['--bind-address=1.2.3']), 'invalid argument "1.2.3" for "--bind-address" flag: failed to parse IP: "1.2.3"');
  assert.equal(parseError(['--advertise-address=010.0.0.1']), 'invalid argument "010.0.0.1" for "--advertise-address" flag: failed to parse IP: "010.0.0.1"');
  assert.equal(parseError(['-v=x']), 'invalid argument "x" for "-v, --v" flag: strconv.ParseUint: parsing "x": invalid syntax');
  assert.equal(parseError(['--goaway-chance=x']), 'invalid argument "x" for "--goaway-chance" flag: strconv.ParseFloat: parsing "x": invalid syntax');
  assert.equal(
    parseError(['--service-node-port-range=3-2']),
    'invalid argument "3-2" for "--service-node-port-range" flag: end port cannot be less than start port: 3-2',
  );
  assert.equal(
    parseError(['--tls-sni-cert-key=onlyone']),
    'invalid argument "onlyone" for "--tls-sni-cert-key" flag: expected comma separated certificate and key file paths',
  );
  assert.equal(parseError(['--runtime-config=api/all']), 'invalid argument "api/all" for "--runtime-config" flag: malformed pair, expect string=string');
  assert.equal(parseError(['--vmodule=foo']), 'invalid argument "foo" for "--vmodule" flag: "foo" does not have the pattern=N format');
});

test('ints accept Go base prefixes, underscores and signs', () => {
  assert.equal(parseFlags(['--secure-port=0x1F90']).number('secure-port'), 8080);
  assert.equal(parseFlags(['--secure-port=010']).number('secure-port'), 8);
  assert.equal(parseFlags(['--secure-port=6_443']).number('secure-port'), 6443);
  assert.equal(parseFlags(['--max-requests-inflight=-1']).number('max-requests-inflight'), -1);
  assert.match(parseError(['--secure-port=08']), /parsing "08": invalid syntax/);
  assert.match(parseError(['--secure-port=6__443']), /invalid syntax/);
  assert.match(parseError(['--kubelet-port=-1']), /strconv\.ParseUint: parsing "-1": invalid syntax/);
});

test('bool flags: bare, =true/false and Go\'s other spellings; never the next argument', () => {
  assert.equal(parseFlags(['--allow-privileged']).bool('allow-privileged'), true);
  assert.equal(parseFlags(['--allow-privileged=true']).bool('allow-privileged'), true);
  assert.equal(parseFlags(['--watch-cache=false']).bool('watch-cache'), false);
  assert.equal(parseFlags(['--watch-cache=0']).bool('watch-cache'), false);
  assert.equal(parseFlags(['--watch-cache=F']).bool('watch-cache'), false);
  assert.equal(parseFlags(['--profiling=T']).bool('profiling'), true);
  assert.equal(parseFlags([]).bool('allow-privileged'), false);
  const p = parseFlags(['--allow-privileged', '--secure-port', '7443']);
  assert.equal(p.bool('allow-privileged'), true);
  assert.equal(p.number('secure-port'), 7443);
  assert.equal(
    parseError(['--allow-privileged=yes']),
    'invalid argument "yes" for "--allow-privileged" flag: strconv.ParseBool: parsing "yes": invalid syntax',
  );
});

test('non-bool flags take the next argument even when it starts with a dash', () => {
  assert.equal(parseFlags(['--etcd-prefix', '--weird']).string('etcd-prefix'), '--weird');
});

test('shorthands: -v 4, -v=4, -v4, -h and combined -hv4', () => {
  assert.equal(parseFlags(['-v', '4']).number('v'), 4);
  assert.equal(parseFlags(['-v=4']).number('v'), 4);
  assert.equal(parseFlags(['-v4']).number('v'), 4);
  assert.equal(parseFlags(['--v=6']).number('v'), 6);
  assert.equal(parseFlags(['-h']).bool('help'), true);
  assert.equal(parseFlags(['--help']).bool('help'), true);
  const p = parseFlags(['-hv4']);
  assert.equal(p.bool('help'), true);
  assert.equal(p.number('v'), 4);
});

test('--version is bool-like: bare means true, =raw and =vX.Y.Z are kept', () => {
  assert.equal(parseFlags(['--version']).string('version'), 'true');
  assert.equal(parseFlags(['--version=raw']).string('version'), 'raw');
  assert.equal(parseFlags(['--version=v1.32.4']).string('version'), 'v1.32.4');
  assert.equal(parseFlags(['--version=false']).string('version'), 'false');
  assert.match(parseError(['--version=banana']), /^invalid argument "banana" for "--version" flag: strconv\.ParseBool/);
});

test('underscores in long names mean dashes (cobra\'s word-separator normalization)', () => {
  assert.deepEqual(parseFlags(['--etcd_servers=https://a:2379']).strings('etcd-servers'), ['https://a:2379']);
});

test('string slices split on commas (CSV) and accumulate across repeats; the first use replaces the default', () => {
  const p = parseFlags(['--etcd-servers=https://a:2379,https://b:2379', '--etcd-servers', 'https://c:2379']);
  assert.deepEqual(p.strings('etcd-servers'), ['https://a:2379', 'https://b:2379', 'https://c:2379']);
  assert.deepEqual(parseFlags(['--kubelet-preferred-address-types=InternalIP']).strings('kubelet-preferred-address-types'), ['InternalIP']);
  assert.deepEqual(parseFlags(['--cors-allowed-origins="a,b",c']).strings('cors-allowed-origins'), ['a,b', 'c']);
  assert.deepEqual(parseFlags(['--etcd-servers=']).strings('etcd-servers'), []);
  assert.match(parseError(['--tls-cipher-suites=a"b']), /bare " in non-quoted-field/);
});

test('string arrays keep each occurrence whole', () => {
  const p = parseFlags(['--service-account-key-file=/a,b.pub', '--service-account-key-file=/c.pub']);
  assert.deepEqual(p.strings('service-account-key-file'), ['/a,b.pub', '/c.pub']);
});

test('other flags: the last occurrence wins', () => {
  assert.equal(parseFlags(['--secure-port=1', '--secure-port=2']).number('secure-port'), 2);
  assert.equal(parseFlags(['--etcd-prefix=/a', '--etcd-prefix=/b']).string('etcd-prefix'), '/b');
});

test('mapStringString: k=v,k2=v2 pairs, trimmed, merged across repeats', () => {
  const p = parseFlags(['--runtime-config=api/all=true, batch/v1=false', '--runtime-config=apps/v1=true']);
  assert.deepEqual(p.stringMap('runtime-config'), { 'api/all': 'true', 'batch/v1': 'false', 'apps/v1': 'true' });
  // The no-split variant keeps commas inside the value.
  const claims = parseFlags(['--oidc-required-claim=groups=a,b', '--oidc-required-claim=hd=example.com']);
  assert.deepEqual(claims.stringMap('oidc-required-claim'), { groups: 'a,b', hd: 'example.com' });
});

test('feature gates: Gate=bool pairs, optional kube: prefix, repeats accumulate, bools checked', () => {
  const p = parseFlags(['--feature-gates=AllAlpha=false,kube:Foo=true', '--feature-gates', 'Bar=1']);
  assert.deepEqual(p.multimap('feature-gates'), { '': ['AllAlpha=false', 'Bar=1'], kube: ['Foo=true'] });
  assert.equal(
    parseError(['--feature-gates=Foo=maybe']),
    'invalid argument "Foo=maybe" for "--feature-gates" flag: invalid value of Foo=maybe, err: strconv.ParseBool: parsing "maybe": invalid syntax',
  );
  assert.equal(parseError(['--feature-gates=Foo']), 'invalid argument "Foo" for "--feature-gates" flag: missing bool value for Foo');
});

test('stringToString, namedCertKey, vmodule and quantities', () => {
  assert.deepEqual(parseFlags(['--allow-metric-labels=m,l=v1']).stringMap('allow-metric-labels'), { 'm,l': 'v1' });
  assert.deepEqual(parseFlags(['--tls-sni-cert-key=a.crt,a.key:*.example.com, example.com']).namedCertKeys('tls-sni-cert-key'), [
    { certFile: 'a.crt', keyFile: 'a.key', names: ['*.example.com', 'example.com'] },
  ]);
  assert.deepEqual(parseFlags(['--vmodule=a=1,b*=3', '--vmodule=c=2']).vmodule('vmodule'), [
    { pattern: 'a', level: 1 },
    { pattern: 'b*', level: 3 },
    { pattern: 'c', level: 2 },
  ]);
  assert.equal(parseFlags(['--log-json-info-buffer-size=2Ki']).number('log-json-info-buffer-size'), 2048);
  assert.equal(parseFlags(['--log-text-info-buffer-size=3M']).number('log-text-info-buffer-size'), 3_000_000);
  assert.match(parseError(['--log-text-info-buffer-size=lots']), /quantities must match the regular expression/);
});

test('durations in Go syntax convert to milliseconds', () => {
  const ms = (v: string) => parseFlags([`--request-timeout=${v}`]).durationMs('request-timeout');
  assert.equal(ms('1m0s'), 60_000);
  assert.equal(ms('5m'), 300_000);
  assert.equal(ms('300ms'), 300);
  assert.equal(ms('1h'), 3_600_000);
  assert.equal(ms('0'), 0);
  assert.equal(ms('1.5s'), 1500);
  assert.equal(ms('1h2m3s4ms'), 3_723_004);
  assert.equal(ms('250us'), 0.25);
  assert.equal(ms('-2s'), -2000);
  assert.equal(ms('.5m'), 30_000);
  assert.match(parseError(['--request-timeout=']), /time: invalid duration ""/);
  assert.match(parseError(['--request-timeout=1.s.']), /time: /);
});

test('IP flags accept IPv4 and IPv6, and an empty value leaves them unset', () => {
  assert.equal(parseFlags(['--advertise-address=192.168.1.10']).string('advertise-address'), '192.168.1.10');
  assert.equal(parseFlags(['--bind-address=::']).string('bind-address'), '::');
  assert.equal(parseFlags(['--advertise-address=fd00::10']).string('advertise-address'), 'fd00::10');
  assert.equal(parseFlags(['--advertise-address=']).string('advertise-address'), '');
  assert.match(parseError(['--advertise-address=fe80::1%eth0']), /failed to parse IP/);
});

test('deprecated flags are accepted and produce pflag\'s warning once', () => {
  const p = parseFlags(['--apiserver-count=3', '--apiserver-count=3', '--enable-logs-handler']);
  assert.equal(p.number('apiserver-count'), 3);
  assert.deepEqual(p.deprecationWarnings, [
    'Flag --apiserver-count has been deprecated, apiserver-count is deprecated and will be removed in a future version.',
    'Flag --enable-logs-handler has been deprecated, This flag will be removed in v1.33',
  ]);
});

test('isSet and setNames report what was on the command line', () => {
  const p = parseFlags(['--secure-port=6443', '-v', '2', '--secure-port=7443']);
  assert.equal(p.isSet('secure-port'), true);
  assert.equal(p.isSet('etcd-prefix'), false);
  assert.deepEqual(p.setNames(), ['secure-port', 'v']);
  assert.throws(() => p.number('etcd-prefix'), /string flag/);
  assert.throws(() => p.isSet('no-such-flag'), /no flag named/);
});
