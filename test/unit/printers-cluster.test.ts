// Table cells of RBAC, networking, storage, admission and other cluster-level resources, and a
// check that every column of the generated table file has a cell source.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tableKeys } from '../../src/api/printers/columns.js';
import { printCells, tablePrinter } from '../../src/api/printers/index.js';

const NOW = new Date('2024-05-01T12:00:00Z');
const SEC = 1000;
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

type Json = Record<string, unknown>;
const meta = (name: string, extra: Json = {}) => ({ name, creationTimestamp: ago(115 * SEC), ...extra });
const cells = (group: string, resource: string, o: Json) => printCells(group, resource, o, { now: NOW });
const row = (group: string, resource: string, o: Json, columns: string[]) => {
  const c = cells(group, resource, o);
  return columns.map(n => c[n]);
};
const RBAC = 'rbac.authorization.k8s.io';

test('RBAC: the upstream example rows', () => {
  const crb = { metadata: meta('cluster-admin'), roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [{ apiGroup: RBAC, kind: 'Group', name: 'system:masters' }] };
  assert.deepEqual(row(RBAC, 'clusterrolebindings', crb, ['Name', 'Role', 'Age', 'Users', 'Groups', 'ServiceAccounts']),
    ['cluster-admin', 'ClusterRole/cluster-admin', '115s', '', 'system:masters', '']);
  const rb = { metadata: meta('system:controller:bootstrap-signer'), roleRef: { kind: 'Role', name: 'system:controller:bootstrap-signer' }, subjects: [{ kind: 'ServiceAccount', name: 'bootstrap-signer', namespace: 'kube-system' }] };
  assert.deepEqual(row(RBAC, 'rolebindings', rb, ['Name', 'Role', 'Age', 'Users', 'Groups', 'ServiceAccounts']),
    ['system:controller:bootstrap-signer', 'Role/system:controller:bootstrap-signer', '115s', '', '', 'kube-system/bootstrap-signer']);
  const many = { metadata: meta('m'), roleRef: { kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'User', name: 'alice' }, { kind: 'User', name: 'bob' }, { kind: 'Group', name: 'devs' }] };
  assert.equal(cells(RBAC, 'rolebindings', many).Users, 'alice, bob');
  assert.deepEqual(row(RBAC, 'clusterroles', { metadata: { name: 'admin', creationTimestamp: '2026-11-23T15:33:17Z' } }, ['Name', 'Created At']), ['admin', '2026-11-23T15:33:17Z']);
});

test('leases and API services: the upstream example rows', () => {
  const lease = { metadata: meta('apiserver-wlv32'), spec: { holderIdentity: 'apiserver-wlv32_46499039' } };
  assert.deepEqual(row('coordination.k8s.io', 'leases', lease, ['Name', 'Holder', 'Age']), ['apiserver-wlv32', 'apiserver-wlv32_46499039', '115s']);
  assert.equal(cells('coordination.k8s.io', 'leases', { metadata: meta('l'), spec: {} }).Holder, '');
  const local = { metadata: meta('v1.'), spec: { version: 'v1', groupPriorityMinimum: 18000 }, status: { conditions: [{ type: 'Available', status: 'True', reason: 'Local' }] } };
  assert.deepEqual(row('apiregistration.k8s.io', 'apiservices', local, ['Name', 'Service', 'Available', 'Age']), ['v1.', 'Local', 'True', '115s']);
  const remote = { metadata: meta('v1beta1.metrics.k8s.io'), spec: { service: { namespace: 'kube-system', name: 'metrics-server' } }, status: { conditions: [{ type: 'Available', status: 'False', reason: 'MissingEndpoints' }] } };
  assert.deepEqual(row('apiregistration.k8s.io', 'apiservices', remote, ['Service', 'Available']), ['kube-system/metrics-server', 'False (MissingEndpoints)']);
  assert.equal(cells('apiregistration.k8s.io', 'apiservices', { metadata: meta('x') }).Available, 'Unknown');
});

test('flow control and priority classes: the upstream example rows', () => {
  const FC = 'flowcontrol.apiserver.k8s.io';
  const fs = { metadata: meta('catch-all'), spec: { priorityLevelConfiguration: { name: 'catch-all' }, matchingPrecedence: 10000, distinguisherMethod: { type: 'ByUser' } }, status: { conditions: [{ type: 'Dangling', status: 'False' }] } };
  assert.deepEqual(row(FC, 'flowschemas', fs, ['Name', 'PriorityLevel', 'MatchingPrecedence', 'DistinguisherMethod', 'Age', 'MissingPL']),
    ['catch-all', 'catch-all', 10000, 'ByUser', '115s', 'False']);
  const fsBare = cells(FC, 'flowschemas', { metadata: meta('f'), spec: {} });
  assert.deepEqual([fsBare.DistinguisherMethod, fsBare.MissingPL], ['<none>', '?']);
  const pl = { metadata: meta('catch-all'), spec: { type: 'Limited', limited: { nominalConcurrencyShares: 5, limitResponse: { type: 'Reject' } } } };
  assert.deepEqual(row(FC, 'prioritylevelconfigurations', pl, ['Name', 'Type', 'NominalConcurrencyShares', 'Queues', 'HandSize', 'QueueLengthLimit', 'Age']),
    ['catch-all', 'Limited', 5, '<none>', '<none>', '<none>', '115s']);
  const queued = { metadata: meta('workload-low'), spec: { type: 'Limited', limited: { assuredConcurrencyShares: 100, limitResponse: { type: 'Queue', queuing: { queues: 128, handSize: 6 } } } } };
  assert.deepEqual(row(FC, 'prioritylevelconfigurations', queued, ['NominalConcurrencyShares', 'Queues', 'HandSize', 'QueueLengthLimit']), [100, 128, 6, 50]);
  const exempt = cells(FC, 'prioritylevelconfigurations', { metadata: meta('exempt'), spec: { type: 'Exempt', exempt: {} } });
  assert.deepEqual([exempt.Type, exempt.NominalConcurrencyShares], ['Exempt', '<none>']);
  const pc = { metadata: meta('system-cluster-critical'), value: 2000000000, description: 'x' };
  assert.deepEqual(row('scheduling.k8s.io', 'priorityclasses', pc, ['Name', 'Value', 'Global-Default', 'Age', 'PreemptionPolicy']),
    ['system-cluster-critical', 2000000000, false, '115s', 'PreemptLowerPriority']);
});

test('ingresses, ingress classes, network policies, endpoint slices', () => {
  const NET = 'networking.k8s.io';
  const ing = {
    metadata: meta('web'),
    spec: { ingressClassName: 'nginx', rules: [{ host: 'a.example.com' }, { http: {} }, { host: 'b.example.com' }, { host: 'c.example.com' }, { host: 'd.example.com' }], tls: [{ hosts: ['a.example.com'] }] },
    status: { loadBalancer: { ingress: [{ ip: '203.0.113.9' }] } },
  };
  assert.deepEqual(row(NET, 'ingresses', ing, ['Class', 'Hosts', 'Address', 'Ports']), ['nginx', 'a.example.com,b.example.com,c.example.com + 2 more...', '203.0.113.9', '80, 443']);
  assert.deepEqual(row(NET, 'ingresses', { metadata: meta('i'), spec: {} }, ['Class', 'Hosts', 'Address', 'Ports']), ['<none>', '*', '', '80']);
  assert.deepEqual(row(NET, 'ingressclasses', { metadata: meta('nginx'), spec: { controller: 'k8s.io/ingress-nginx', parameters: { apiGroup: 'k8s.example.com', kind: 'IngressParameters', name: 'p' } } }, ['Controller', 'Parameters']),
    ['k8s.io/ingress-nginx', 'IngressParameters.k8s.example.com/p']);
  assert.equal(cells(NET, 'ingressclasses', { metadata: meta('c'), spec: {} }).Parameters, '<none>');
  assert.equal(cells(NET, 'networkpolicies', { metadata: meta('deny'), spec: { podSelector: {} } })['Pod-Selector'], '<none>');
  assert.equal(cells(NET, 'networkpolicies', { metadata: meta('allow'), spec: { podSelector: { matchLabels: { role: 'db' } } } })['Pod-Selector'], 'role=db');
  const slice = { metadata: meta('web-abc'), addressType: 'IPv4', ports: [{ port: 80 }, { name: 'metrics' }, {}], endpoints: [{ addresses: ['10.0.0.1', '10.0.0.2'] }, { addresses: ['10.0.0.3'] }, { addresses: ['10.0.0.4'] }] };
  assert.deepEqual(row('discovery.k8s.io', 'endpointslices', slice, ['AddressType', 'Ports', 'Endpoints']), ['IPv4', '80,metrics,*', '10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...']);
  assert.deepEqual(row('discovery.k8s.io', 'endpointslices', { metadata: meta('e') }, ['Ports', 'Endpoints']), ['<unset>', '<unset>']);
});

test('storage classes, CSI drivers and nodes, volume attachments', () => {
  const ST = 'storage.k8s.io';
  const sc = { metadata: meta('standard', { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }), provisioner: 'rancher.io/local-path', volumeBindingMode: 'WaitForFirstConsumer' };
  assert.deepEqual(row(ST, 'storageclasses', sc, ['Name', 'Provisioner', 'ReclaimPolicy', 'VolumeBindingMode', 'AllowVolumeExpansion', 'Age']),
    ['standard (default)', 'rancher.io/local-path', 'Delete', 'WaitForFirstConsumer', false, '115s']);
  const drv = { metadata: meta('csi.example.com'), spec: { attachRequired: false, tokenRequests: [{ audience: 'a' }, { audience: 'b' }], volumeLifecycleModes: ['Persistent', 'Ephemeral'] } };
  assert.deepEqual(row(ST, 'csidrivers', drv, ['AttachRequired', 'PodInfoOnMount', 'StorageCapacity', 'TokenRequests', 'RequiresRepublish', 'Modes']),
    [false, false, false, 'a,b', false, 'Persistent,Ephemeral']);
  assert.deepEqual(row(ST, 'csidrivers', { metadata: meta('d'), spec: {} }, ['AttachRequired', 'TokenRequests', 'Modes']), [true, '<unset>', 'Persistent']);
  assert.equal(cells(ST, 'csinodes', { metadata: meta('n'), spec: { drivers: [{ name: 'a' }, { name: 'b' }] } }).Drivers, 2);
  const va = { metadata: meta('csi-123'), spec: { attacher: 'csi.example.com', nodeName: 'node1', source: { persistentVolumeName: 'pv1' } }, status: { attached: true } };
  assert.deepEqual(row(ST, 'volumeattachments', va, ['Attacher', 'PV', 'Node', 'Attached']), ['csi.example.com', 'pv1', 'node1', true]);
  assert.deepEqual(row(ST, 'csistoragecapacities', { metadata: meta('c'), storageClassName: 'fast', capacity: '2048Mi' }, ['StorageClassName', 'Capacity']), ['fast', '2Gi']);
});

test('admission registration', () => {
  const AR = 'admissionregistration.k8s.io';
  assert.equal(cells(AR, 'validatingwebhookconfigurations', { metadata: meta('v'), webhooks: [{}, {}] }).Webhooks, 2);
  assert.equal(cells(AR, 'mutatingwebhookconfigurations', { metadata: meta('m') }).Webhooks, 0);
  const vap = { metadata: meta('p'), spec: { paramKind: { apiVersion: 'v1', kind: 'ConfigMap' }, validations: [{ expression: 'true' }] } };
  assert.deepEqual(row(AR, 'validatingadmissionpolicies', vap, ['Validations', 'ParamKind']), [1, 'v1/ConfigMap']);
  assert.equal(cells(AR, 'validatingadmissionpolicies', { metadata: meta('q'), spec: {} }).ParamKind, '<unset>');
  const binding = (paramRef: Json | undefined) => cells(AR, 'validatingadmissionpolicybindings', { metadata: meta('b'), spec: { policyName: 'p', paramRef } }).ParamRef;
  assert.equal(binding(undefined), '<unset>');
  assert.equal(binding({ name: 'cfg', namespace: 'ns' }), 'ns/cfg');
  assert.equal(binding({ name: 'cfg' }), '*/cfg');
  assert.equal(binding({ selector: { matchLabels: { b: '2', a: '1' }, matchExpressions: [{ key: 'k', operator: 'In', values: ['x', 'y'] }] } }),
    '&LabelSelector{MatchLabels:map[string]string{a: 1,b: 2,},MatchExpressions:[]LabelSelectorRequirement{LabelSelectorRequirement{Key:k,Operator:In,Values:[x y],},},}');
});

test('certificates, budgets, runtime classes', () => {
  const csr = { metadata: meta('csr-1'), spec: { signerName: 'kubernetes.io/kube-apiserver-client', username: 'alice', expirationSeconds: 3600 }, status: { conditions: [{ type: 'Approved', status: 'True' }], certificate: 'LS0t' } };
  assert.deepEqual(row('certificates.k8s.io', 'certificatesigningrequests', csr, ['Name', 'Age', 'SignerName', 'Requestor', 'RequestedDuration', 'Condition']),
    ['csr-1', '115s', 'kubernetes.io/kube-apiserver-client', 'alice', '60m', 'Approved,Issued']);
  const pending = cells('certificates.k8s.io', 'certificatesigningrequests', { metadata: meta('c'), spec: {}, status: { conditions: [{ type: 'Denied' }, { type: 'Approved' }, { type: 'Failed' }] } });
  assert.deepEqual([pending.SignerName, pending.RequestedDuration, pending.Condition], ['<none>', '<none>', 'Denied,Failed']);
  assert.deepEqual(row('policy', 'poddisruptionbudgets', { metadata: meta('pdb'), spec: { minAvailable: 2 }, status: { disruptionsAllowed: 1 } }, ['Min Available', 'Max Unavailable', 'Allowed Disruptions']), ['2', 'N/A', 1]);
  assert.deepEqual(row('policy', 'poddisruptionbudgets', { metadata: meta('pdb'), spec: { maxUnavailable: '25%' } }, ['Min Available', 'Max Unavailable']), ['N/A', '25%']);
  assert.equal(cells('node.k8s.io', 'runtimeclasses', { metadata: meta('gvisor'), handler: 'runsc' }).Handler, 'runsc');
});

test('every column of the generated table file has a cell source', () => {
  const empty = { metadata: {} };
  const missing: string[] = [];
  for (const key of tableKeys()) {
    const parts = key.split('/');
    const [group, version, resource] = parts.length === 2 ? ['', parts[0]!, parts[1]!] : [parts[0]!, parts[1]!, parts[2]!];
    const have = printCells(group, resource, empty, { now: NOW });
    for (const c of tablePrinter({ group, version, resource }).columns) if (!(c.name in have)) missing.push(`${key}: ${c.name}`);
  }
  assert.deepEqual(missing, []);
});
