// Service ClusterIP and NodePort allocations are kept in etcd: a server started later on the
// same etcd refuses the values an earlier one handed out.
// needs etcd: servers share one etcd
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startEtcd, type EtcdHandle } from '../helpers/etcd.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const json = { 'Content-Type': 'application/json' };
const flags = ['--service-cluster-ip-range=10.96.0.0/12', '--service-node-port-range=30000-30999', '--advertise-address=192.0.2.10'];

function serviceBody(name: string, spec: Record<string, unknown>): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { ports: [{ port: 80 }], ...spec } });
}

describe('service allocations across a restart', () => {
  let etcd: EtcdHandle;
  let server: TestServer | undefined;

  before(async () => {
    etcd = await startEtcd();
  });

  after(async () => {
    await server?.stop();
    await etcd?.stop();
  });

  it('refuses after a restart the IP and node port given out before it', async () => {
    server = await startTestServer(flags, { etcd });
    const first = await server.http('POST', '/api/v1/namespaces/default/services', { body: serviceBody('kept', { type: 'NodePort', clusterIP: '10.96.0.10', ports: [{ port: 80, nodePort: 30080 }] }), headers: json });
    assert.equal(first.status, 201, first.body);
    await server.stop();

    server = await startTestServer(flags, { etcd });
    const ip = await server.http('POST', '/api/v1/namespaces/default/services', { body: serviceBody('same-ip', { clusterIP: '10.96.0.10' }), headers: json });
    assert.equal(ip.status, 422);
    assert.match(ip.json<{ message: string }>().message, /failed to allocate IP 10\.96\.0\.10: provided IP is already allocated/);
    const port = await server.http('POST', '/api/v1/namespaces/default/services', { body: serviceBody('same-port', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }), headers: json });
    assert.equal(port.status, 422);
    assert.match(port.json<{ message: string }>().message, /spec\.ports\[0\]\.nodePort: Invalid value: 30080: provided port is already allocated/);
    const range = await server.http('GET', '/api/v1/namespaces/default/services/kept');
    assert.equal(range.status, 200);
  });
});
