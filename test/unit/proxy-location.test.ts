import assert from 'node:assert/strict';
import { test } from 'node:test';
import { proxyPath } from '../../src/endpoints/handlers/proxy.js';
import { checkProxyableHostname, isProxyableIP, splitSchemeNamePort } from '../../src/endpoints/handlers/proxy-location.js';

test('names split into scheme, name and port as utilnet.SplitSchemeNamePort', () => {
  assert.deepEqual(splitSchemeNamePort('web'), { scheme: '', name: 'web', port: '' });
  assert.deepEqual(splitSchemeNamePort('web:8080'), { scheme: '', name: 'web', port: '8080' });
  assert.deepEqual(splitSchemeNamePort('https:web:metrics'), { scheme: 'https', name: 'web', port: 'metrics' });
  assert.equal(splitSchemeNamePort('ftp:web:21'), undefined);
  assert.equal(splitSchemeNamePort(':80'), undefined);
  assert.equal(splitSchemeNamePort('a:b:c:d'), undefined);
});

test('loopback, link-local and local multicast addresses are not proxyable', () => {
  for (const ip of ['127.0.0.1', '127.8.9.10', '169.254.169.254', '224.0.0.251', '::1', 'fe80::1', 'ff02::1', 'ff01::2', '::ffff:127.0.0.1', 'not-an-ip', '']) {
    assert.equal(isProxyableIP(ip), false, ip);
  }
  for (const ip of ['10.0.0.7', '192.168.1.1', '8.8.8.8', '2001:db8::1', 'fd00::5', '::ffff:10.1.2.3']) {
    assert.equal(isProxyableIP(ip), true, ip);
  }
});

test('a hostname is proxyable only if every address it resolves to is', async () => {
  await assert.rejects(checkProxyableHostname('localhost'), /address not allowed/);
  await assert.rejects(checkProxyableHostname('127.0.0.1'), /address not allowed/);
  await checkProxyableHostname('10.1.2.3');
  await assert.rejects(checkProxyableHostname('no-such-host.invalid'), /lookup no-such-host.invalid: no such host/);
});

test('the path after /proxy is joined onto the target, keeping a trailing slash', () => {
  assert.equal(proxyPath('/api/v1/namespaces/ns/pods/web/proxy'), '/');
  assert.equal(proxyPath('/api/v1/namespaces/ns/pods/web/proxy/'), '/');
  assert.equal(proxyPath('/api/v1/namespaces/ns/pods/web/proxy/a/b/'), '/a/b/');
  assert.equal(proxyPath('/api/v1/namespaces/pods/pods/proxy/proxy/x/../y'), '/y');
  assert.equal(proxyPath('/api/v1/nodes/n1/proxy/stats/summary'), '/stats/summary');
});
