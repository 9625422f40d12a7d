import assert from 'node:assert/strict';
import { test } from 'node:test';
import { builtinCatalog } from '../../src/api/catalog.js';
import { strategyFor } from '../../src/api/strategy.js';
import type { KubeObject } from '../../src/api/types.js';

const prepare = strategyFor(builtinCatalog().lookup('', 'v1', 'services')!).prepareForUpdate!;
const svc = (spec: Record<string, unknown>, status: Record<string, unknown> = {}): KubeObject =>
  ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'default' }, spec, status }) as KubeObject;

const lb = {
  type: 'LoadBalancer', clusterIP: '10.0.0.5', clusterIPs: ['10.0.0.5'], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack',
  ports: [{ port: 80, nodePort: 30001 }], externalTrafficPolicy: 'Local', healthCheckNodePort: 30002,
  allocateLoadBalancerNodePorts: true, loadBalancerClass: 'example.com/lb',
};

test('LoadBalancer to ClusterIP drops node ports, health check port, LB-only fields and LB status', () => {
  const next = svc({ ...structuredClone(lb), type: 'ClusterIP' }, { loadBalancer: { ingress: [{ ip: '192.0.2.1' }] } });
  prepare(next, svc(structuredClone(lb), { loadBalancer: { ingress: [{ ip: '192.0.2.1' }] } }));
  assert.deepEqual(next['spec'], {
    type: 'ClusterIP', clusterIP: '10.0.0.5', clusterIPs: ['10.0.0.5'], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack', ports: [{ port: 80 }],
  });
  assert.deepEqual(next['status'], { loadBalancer: {} });
});

test('values the update changed are kept for validation to judge', () => {
  const next = svc({ ...structuredClone(lb), type: 'ClusterIP', ports: [{ port: 80, nodePort: 30009 }], externalTrafficPolicy: 'Cluster', loadBalancerClass: 'other' });
  prepare(next, svc(structuredClone(lb)));
  const spec = next['spec'] as Record<string, unknown>;
  assert.deepEqual(spec['ports'], [{ port: 80, nodePort: 30009 }]);
  assert.equal(spec['externalTrafficPolicy'], 'Cluster');
  assert.equal(spec['loadBalancerClass'], 'other');
});

test('to ExternalName: cluster IPs and IP families go when unchanged', () => {
  const current = svc({ type: 'ClusterIP', clusterIP: '10.0.0.7', clusterIPs: ['10.0.0.7'], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack', ports: [{ port: 80 }] });
  const next = svc({ type: 'ExternalName', externalName: 'example.com', clusterIP: '10.0.0.7', clusterIPs: ['10.0.0.7'], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack', ports: [{ port: 80 }] });
  prepare(next, current);
  assert.deepEqual(next['spec'], { type: 'ExternalName', externalName: 'example.com', ports: [{ port: 80 }] });
});

test('an unchanged type keeps allocations the update left out', () => {
  const next = svc({ type: 'NodePort', ports: [{ port: 80 }] });
  prepare(next, svc({ type: 'NodePort', clusterIP: '10.0.0.8', clusterIPs: ['10.0.0.8'], ports: [{ port: 80, nodePort: 30003 }] }));
  assert.deepEqual(next['spec'], { type: 'NodePort', clusterIP: '10.0.0.8', clusterIPs: ['10.0.0.8'], ports: [{ port: 80, nodePort: 30003 }] });
});
