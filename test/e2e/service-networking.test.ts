// Service networking against real servers sharing one etcd: ClusterIP and NodePort allocation
// (422 on a taken value, no double hand-out across servers), the
// default/kubernetes Service with its Endpoints and EndpointSlice listing every live server,
// API server identity leases, and Event expiry through --event-ttl.
// needs etcd: several servers share one etcd
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startEtcd, type EtcdHandle } from '../helpers/etcd.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const json = { 'Content-Type': 'application/json' };
// Servers bind 127.0.0.1 but advertise TEST-NET addresses: upstream's Endpoints validation
// refuses loopback IPs, so a loopback advertise address would never be listed.
const ADDRESS_A = '192.0.2.10';
const ADDRESS_B = '192.0.2.11';

type Svc = { metadata: { name: string }; spec: { clusterIP: string; clusterIPs: string[]; ports: { nodePort?: number }[] } };

function serviceBody(name: string, spec: Record<string, unknown> = {}): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { ports: [{ port: 80 }], ...spec } });
}

async function eventually<T>(what: string, timeoutMs: number, fn: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 250));
  }
}

describe('service networking (two servers, one etcd)', () => {
  let etcd: EtcdHandle;
  let a: TestServer;
  let b: TestServer;

  before(async () => {
    etcd = await startEtcd();
    const common = ['--service-cluster-ip-range=10.96.0.0/12', '--service-node-port-range=30000-30999'];
    [a, b] = await Promise.all([
      startTestServer([...common, `--advertise-address=${ADDRESS_A}`, '--event-ttl=3s'], { etcd }),
      startTestServer([...common, `--advertise-address=${ADDRESS_B}`], { etcd }),
    ]);
  });

  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await etcd?.stop();
  });

  it('creates default/kubernetes with the first IP of the range, port 443 https', async () => {
    const svc = await eventually('default/kubernetes', 15_000, async () => {
      const r = await a.http('GET', '/api/v1/namespaces/default/services/kubernetes');
      return r.status === 200 ? r.json<{ metadata: { labels: Record<string, string> }; spec: Record<string, unknown> }>() : undefined;
    });
    assert.equal(svc.spec['clusterIP'], '10.96.0.1');
    assert.deepEqual(svc.spec['clusterIPs'], ['10.96.0.1']);
    assert.equal(svc.spec['type'], 'ClusterIP');
    assert.equal(svc.spec['ipFamilyPolicy'], 'SingleStack');
    const ports = svc.spec['ports'] as { name: string; port: number; protocol: string; targetPort: number }[];
    assert.equal(ports.length, 1);
    assert.equal(ports[0]!.name, 'https');
    assert.equal(ports[0]!.port, 443);
    assert.ok([a.port, b.port].includes(ports[0]!.targetPort));
    assert.deepEqual(svc.metadata.labels, { component: 'apiserver', provider: 'kubernetes' });
  });

  it('lists both servers in the kubernetes Endpoints and EndpointSlice', async () => {
    await eventually('both servers in the Endpoints', 20_000, async () => {
      const r = await b.http('GET', '/api/v1/namespaces/default/endpoints/kubernetes');
      if (r.status !== 200) return undefined;
      const ips = (r.json<{ subsets?: { addresses?: { ip: string }[] }[] }>().subsets?.[0]?.addresses ?? []).map(x => x.ip);
      return ips.join(',') === `${ADDRESS_A},${ADDRESS_B}` ? true : undefined;
    });
    const slice = await eventually('both servers in the EndpointSlice', 20_000, async () => {
      const r = await a.http('GET', '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/kubernetes');
      if (r.status !== 200) return undefined;
      const s = r.json<{ addressType: string; metadata: { labels: Record<string, string> }; endpoints: { addresses: string[]; conditions: { ready: boolean } }[]; ports: { name: string }[] }>();
      return s.endpoints.length === 2 ? s : undefined;
    });
    assert.equal(slice.addressType, 'IPv4');
    assert.equal(slice.metadata.labels['kubernetes.io/service-name'], 'kubernetes');
    assert.deepEqual(slice.endpoints.map(e => e.addresses[0]), [ADDRESS_A, ADDRESS_B]);
    assert.ok(slice.endpoints.every(e => e.conditions.ready));
    assert.equal(slice.ports[0]!.name, 'https');
  });

  it('keeps an identity lease for the API server in kube-system', async () => {
    const leases = await eventually('an identity lease', 15_000, async () => {
      const r = await a.http('GET', '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases?labelSelector=apiserver.kubernetes.io%2Fidentity%3Dkube-apiserver');
      const items = r.json<{ items: { metadata: { name: string }; spec: { holderIdentity: string; leaseDurationSeconds: number; renewTime: string } }[] }>().items;
      return items.length > 0 ? items : undefined;
    });
    assert.match(leases[0]!.metadata.name, /^apiserver-[a-z2-7]{26}$/);
    assert.ok(leases[0]!.spec.holderIdentity.startsWith(`${leases[0]!.metadata.name}_`));
    assert.equal(leases[0]!.spec.leaseDurationSeconds, 3600);
    assert.match(leases[0]!.spec.renewTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  });

  it('gives a requested ClusterIP once and answers 422 on either server after that', async () => {
    const r = await a.http('POST', '/api/v1/namespaces/default/services', { body: serviceBody('fixed-ip', { clusterIP: '10.96.0.10' }), headers: json });
    assert.equal(r.status, 201, r.body);
    assert.equal(r.json<Svc>().spec.clusterIP, '10.96.0.10');
    const again = await b.http('POST', '/api/v1/namespaces/default/services', { body: serviceBody('fixed-ip-2', { clusterIP: '10.96.0.10' }), headers: json });
    assert.equal(again.status, 422);
    const st = again.json<{ reason: string; message: string; details: { causes: { field: string }[] } }>();
    assert.equal(st.reason, 'Invalid');
    assert.equal(st.message, 'Service "fixed-ip-2" is invalid: spec.clusterIPs: Invalid value: ["10.96.0.10"]: failed to allocate IP 10.96.0.10: provided IP is already allocated');
    assert.equal(st.details.causes[0]!.field, 'spec.clusterIPs');
    const outside = await b.http('POST', '/api/v1/namespaces/default/services', { body: serviceBody('outside', { clusterIP: '192.168.0.10' }), headers: json });
    assert.equal(outside.status, 422);
    assert.match(outside.json<{ message: string }>().message, /the provided IP \(192\.168\.0\.10\) is not in the valid range\. The range of valid IPs is 10\.96\.0\.0\/12/);
  });

  it('refuses a taken or out-of-range node port with 422, and frees values on delete', async () => {
    const r = await a.http('POST', '/api/v1/namespaces/default/services', { body: serviceBody('np', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }), headers: json });
    assert.equal(r.status, 201, r.body);
    const taken = await b.http('POST', '/api/v1/namespaces/default/services', { body: serviceBody('np-2', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }), headers: json });
    assert.equal(taken.status, 422);
    assert.equal(taken.json<{ message: string }>().message, 'Service "np-2" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated');
    const out = await b.http('POST', '/api/v1/namespaces/default/services', { body: serviceBody('np-3', { type: 'NodePort', ports: [{ port: 80, nodePort: 31000 }] }), headers: json });
    assert.equal(out.status, 422);
    assert.match(out.json<{ message: string }>().message, /provided port is not in the valid range\. The range of valid ports is 30000-30999/);
    assert.equal((await a.http('DELETE', '/api/v1/namespaces/default/services/np')).status, 200);
    const reuse = await b.http('POST', '/api/v1/namespaces/default/services', { body: serviceBody('np-4', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }), headers: json });
    assert.equal(reuse.status, 201, reuse.body);
  });

  it('a type change drops the fields the new type cannot have and frees their ports (kubectl apply)', async () => {
    const manifest = (spec: string) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: lb-to-cip\nspec:\n${spec}  ports:\n  - port: 80\n`;
    const lb = await a.kubectl(['apply', '-f', '-'], { input: manifest('  type: LoadBalancer\n  externalTrafficPolicy: Local\n') });
    assert.equal(lb.code, 0, lb.stderr);
    const get = async () => (await a.http('GET', '/api/v1/namespaces/default/services/lb-to-cip')).json<{ spec: Record<string, unknown> & { ports: { nodePort?: number }[] } }>().spec;
    const before = await get();
    const nodePort = before.ports[0]!.nodePort!;
    const hcPort = before['healthCheckNodePort'] as number;
    assert.ok(nodePort > 0 && hcPort > 0, 'a Local LoadBalancer gets a node port and a health-check node port');
    const cip = await a.kubectl(['apply', '-f', '-'], { input: manifest('  type: ClusterIP\n') });
    assert.equal(cip.code, 0, cip.stderr);
    const after = await get();
    assert.equal(after['type'], 'ClusterIP');
    assert.equal(after['clusterIP'], before['clusterIP'], 'the cluster IP stays');
    assert.equal(after.ports[0]!.nodePort, undefined);
    for (const gone of ['healthCheckNodePort', 'externalTrafficPolicy', 'allocateLoadBalancerNodePorts']) assert.equal(after[gone], undefined, gone);
    // Both ports went back to the pool.
    const reuse = await b.http('POST', '/api/v1/namespaces/default/services', { body: serviceBody('reuse-ports', { type: 'NodePort', ports: [{ name: 'a', port: 80, nodePort }, { name: 'b', port: 81, nodePort: hcPort }] }), headers: json });
    assert.equal(reuse.status, 201, reuse.body);
  });

  it('a type change that also sets a new node port is refused', async () => {
    const r = await a.http('POST', '/api/v1/namespaces/default/services', { body: serviceBody('np-change', { type: 'NodePort', ports: [{ port: 80, nodePort: 30082 }] }), headers: json });
    assert.equal(r.status, 201, r.body);
    const svc = r.json<Record<string, unknown> & { spec: Record<string, unknown> }>();
    svc.spec = { ...svc.spec, type: 'ClusterIP', ports: [{ port: 80, protocol: 'TCP', targetPort: 80, nodePort: 30083 }] };
    const put = await a.http('PUT', '/api/v1/namespaces/default/services/np-change', { body: JSON.stringify(svc), headers: json });
    assert.equal(put.status, 422, put.body);
    assert.match(put.json<{ message: string }>().message, /spec\.ports\[0\]\.nodePort: Forbidden: may not be used when `type` is 'ClusterIP'/);
  });

  it('never hands out one IP or node port twice across 40 concurrent creates on two servers', async () => {
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) =>
      (i % 2 === 0 ? a : b).http('POST', '/api/v1/namespaces/default/services', { body: serviceBody(`burst-${i}`, { type: 'NodePort' }), headers: json })));
    for (const r of results) assert.equal(r.status, 201, r.body);
    const svcs = results.map(r => r.json<Svc>());
    const ips = svcs.map(s => s.spec.clusterIP);
    const ports = svcs.map(s => s.spec.ports[0]!.nodePort!);
    assert.equal(new Set(ips).size, 40);
    assert.equal(new Set(ports).size, 40);
    for (const ip of ips) assert.match(ip, /^10\.(9[6-9]|10\d|11[01])\./);
    for (const p of ports) assert.ok(p >= 30000 && p <= 30999);
  });

  it('expires an Event after --event-ttl', async () => {
    const ev = { apiVersion: 'v1', kind: 'Event', metadata: { name: 'short-lived' }, involvedObject: { kind: 'Pod', name: 'x', namespace: 'default' }, reason: 'Test', message: 'm', type: 'Normal' };
    const r = await a.http('POST', '/api/v1/namespaces/default/events', { body: JSON.stringify(ev), headers: json });
    assert.equal(r.status, 201, r.body);
    assert.equal((await a.http('GET', '/api/v1/namespaces/default/events/short-lived')).status, 200);
    await eventually('the event to expire', 15_000, async () =>
      (await a.http('GET', '/api/v1/namespaces/default/events/short-lived')).status === 404 ? true : undefined);
  });

  it('drops a stopped server from the Endpoints and EndpointSlice', async () => {
    await b.stop();
    await eventually('server B off the Endpoints', 20_000, async () => {
      const r = await a.http('GET', '/api/v1/namespaces/default/endpoints/kubernetes');
      const ips = (r.json<{ subsets?: { addresses?: { ip: string }[] }[] }>().subsets?.[0]?.addresses ?? []).map(x => x.ip);
      return ips.join(',') === ADDRESS_A ? true : undefined;
    });
    const slice = (await a.http('GET', '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/kubernetes')).json<{ endpoints: { addresses: string[] }[] }>();
    assert.deepEqual(slice.endpoints.map(e => e.addresses[0]), [ADDRESS_A]);
  });
});
