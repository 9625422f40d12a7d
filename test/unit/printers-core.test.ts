// Table cells of core/v1 resources (and events.k8s.io events), against upstream's printers.go
// behaviour and example rows read off a real v1.28 server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { printCells } from '../../src/api/printers/index.js';

const NOW = new Date('2024-05-01T12:00:00Z');
const SEC = 1000;
const MIN = 60 * SEC;
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

type Json = Record<string, unknown>;
const meta = (name: string, extra: Json = {}) => ({ name, namespace: 'default', creationTimestamp: ago(115 * SEC), ...extra });
const cells = (group: string, resource: string, o: Json) => printCells(group, resource, o, { now: NOW });

/** The cells of `columns`, in order. */
function row(group: string, resource: string, o: Json, columns: string[]): unknown[] {
  const c = cells(group, resource, o);
  return columns.map(name => c[name]);
}

test('services: the upstream example row', () => {
  const svc = { metadata: { ...meta('kubernetes'), creationTimestamp: ago(114 * SEC) }, spec: { type: 'ClusterIP', clusterIP: '10.0.0.1', clusterIPs: ['10.0.0.1'], ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }] } };
  assert.deepEqual(row('', 'services', svc, ['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age', 'Selector']),
    ['kubernetes', 'ClusterIP', '10.0.0.1', '<none>', '443/TCP', '114s', '<none>']);
});

test('services: node ports, load balancers, external names', () => {
  const c = (spec: Json, status: Json = {}) => cells('', 'services', { metadata: meta('s'), spec, status });
  const np = c({ type: 'NodePort', clusterIP: '10.0.0.2', ports: [{ port: 443, nodePort: 30443, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }], selector: { tier: 'web', app: 'x' } });
  assert.equal(np['Port(s)'], '443:30443/TCP,53/UDP');
  assert.equal(np.Selector, 'app=x,tier=web');
  assert.equal(c({ type: 'NodePort', externalIPs: ['1.1.1.1', '2.2.2.2'] })['External-IP'], '1.1.1.1,2.2.2.2');
  assert.equal(c({ type: 'LoadBalancer', ports: [] })['External-IP'], '<pending>');
  assert.equal(c({ type: 'LoadBalancer' })['Port(s)'], '<none>');
  assert.equal(c({ type: 'LoadBalancer', externalIPs: ['5.6.7.8'] }, { loadBalancer: { ingress: [{ ip: '9.9.9.9' }, { hostname: 'lb.example.com' }, { ip: '1.2.3.4' }] } })['External-IP'],
    '1.2.3.4,9.9.9.9,lb.example.com,5.6.7.8');
  const en = c({ type: 'ExternalName', externalName: 'db.example.com' });
  assert.equal(en['External-IP'], 'db.example.com');
  assert.equal(en['Cluster-IP'], '<none>');
  assert.equal(c({ type: 'ClusterIP', clusterIP: 'None' })['Cluster-IP'], 'None');
  assert.equal(c({ type: 'Weird' })['External-IP'], '<unknown>');
});

test('endpoints', () => {
  const c = (subsets: unknown) => cells('', 'endpoints', { metadata: meta('e'), subsets }).Endpoints;
  assert.equal(c(undefined), '<none>');
  assert.equal(c([{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }], ports: [{ port: 80 }, { port: 443 }] }]), '10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...');
  assert.equal(c([{ addresses: [{ ip: 'fd00::1' }], ports: [{ port: 80 }] }]), '[fd00::1]:80');
  assert.equal(c([{ addresses: [{ ip: '10.0.0.7' }] }]), '10.0.0.7');
});

test('configmaps, secrets, service accounts, namespaces', () => {
  assert.deepEqual(row('', 'configmaps', { metadata: { ...meta('demo'), creationTimestamp: ago(113 * SEC) }, data: { a: '1' } }, ['Name', 'Data', 'Age']), ['demo', 1, '113s']);
  assert.equal(cells('', 'configmaps', { metadata: meta('c'), data: { a: '1' }, binaryData: { b: 'AA==' } }).Data, 2);
  assert.equal(cells('', 'configmaps', { metadata: meta('c') }).Data, 0);
  assert.deepEqual(row('', 'secrets', { metadata: meta('s'), type: 'kubernetes.io/tls', data: { 'tls.crt': 'x', 'tls.key': 'y' } }, ['Type', 'Data']), ['kubernetes.io/tls', 2]);
  assert.equal(cells('', 'serviceaccounts', { metadata: meta('default'), secrets: [{ name: 'a' }] }).Secrets, 1);
  assert.deepEqual(row('', 'namespaces', { metadata: meta('default'), status: { phase: 'Active' } }, ['Name', 'Status', 'Age']), ['default', 'Active', '115s']);
});

test('nodes: status, roles, version and wide columns', () => {
  const node = {
    metadata: { ...meta('cp-1'), labels: { 'node-role.kubernetes.io/control-plane': '', 'node-role.kubernetes.io/master': '', 'kubernetes.io/role': 'worker', 'node-role.kubernetes.io/': '' } },
    spec: { unschedulable: true },
    status: {
      conditions: [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: 'True' }],
      addresses: [{ type: 'Hostname', address: 'cp-1' }, { type: 'InternalIP', address: '192.168.1.10' }],
      nodeInfo: { kubeletVersion: 'v1.32.0', osImage: 'Debian GNU/Linux 12 (bookworm)', kernelVersion: '6.1.0', containerRuntimeVersion: 'containerd://1.7.0' },
    },
  };
  assert.deepEqual(row('', 'nodes', node, ['Name', 'Status', 'Roles', 'Age', 'Version', 'Internal-IP', 'External-IP', 'OS-Image', 'Kernel-Version', 'Container-Runtime']),
    ['cp-1', 'Ready,SchedulingDisabled', 'control-plane,master,worker', '115s', 'v1.32.0', '192.168.1.10', '<none>', 'Debian GNU/Linux 12 (bookworm)', '6.1.0', 'containerd://1.7.0']);
  const bare = cells('', 'nodes', { metadata: meta('n') });
  assert.equal(bare.Status, 'Unknown');
  assert.equal(bare.Roles, '<none>');
  assert.equal(bare['OS-Image'], '<unknown>');
  assert.equal(cells('', 'nodes', { metadata: meta('n'), status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } }).Status, 'NotReady');
});

test('core events', () => {
  const ev = {
    metadata: meta('web-1.17c'),
    involvedObject: { kind: 'Pod', name: 'web-1', namespace: 'default', fieldPath: 'spec.containers{app}' },
    reason: 'Started', message: ' Started container app\n', type: 'Normal', count: 3,
    firstTimestamp: ago(60 * MIN), lastTimestamp: ago(5 * MIN), source: { component: 'kubelet', host: 'node1' },
  };
  assert.deepEqual(row('', 'events', ev, ['Last Seen', 'Type', 'Reason', 'Object', 'Subobject', 'Source', 'Message', 'First Seen', 'Count', 'Name']),
    ['5m', 'Normal', 'Started', 'pod/web-1', 'spec.containers{app}', 'kubelet, node1', 'Started container app', '60m', 3, 'web-1.17c']);
  const fresh = cells('', 'events', { metadata: meta('x'), involvedObject: { kind: 'Node' }, eventTime: '2024-05-01T11:59:30.123456Z', reportingComponent: 'ctl', reportingInstance: 'ctl-0' });
  assert.equal(fresh['Last Seen'], '29s');
  assert.equal(fresh['First Seen'], '29s');
  assert.equal(fresh.Count, 1);
  assert.equal(fresh.Object, 'node');
  assert.equal(fresh.Source, 'ctl, ctl-0');
  assert.equal(cells('', 'events', { metadata: meta('y') })['Last Seen'], '<unknown>');
});

test('events.k8s.io events print like core ones', () => {
  const ev = {
    metadata: meta('e1'), regarding: { kind: 'Deployment', name: 'web' }, note: 'Scaled up', reason: 'ScalingReplicaSet', type: 'Normal',
    eventTime: ago(20 * MIN), series: { count: 4, lastObservedTime: '2024-05-01T11:58:00.000000Z' }, reportingController: 'deployment-controller',
  };
  assert.deepEqual(row('events.k8s.io', 'events', ev, ['Last Seen', 'Object', 'Source', 'Message', 'First Seen', 'Count']),
    ['2m', 'deployment/web', 'deployment-controller', 'Scaled up', '20m', 4]);
  assert.equal(cells('events.k8s.io', 'events', { metadata: meta('e2'), deprecatedCount: 7, deprecatedSource: { component: 'old' } }).Count, 7);
  assert.equal(cells('events.k8s.io', 'events', { metadata: meta('e2'), deprecatedCount: 7, deprecatedSource: { component: 'old' } }).Source, 'old');
});

test('persistent volumes and claims', () => {
  const pv = {
    metadata: meta('pv1'),
    spec: { capacity: { storage: '10Gi' }, accessModes: ['ReadOnlyMany', 'ReadWriteOnce', 'ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Retain', claimRef: { namespace: 'default', name: 'data' }, storageClassName: 'standard', volumeMode: 'Filesystem' },
    status: { phase: 'Bound' },
  };
  assert.deepEqual(row('', 'persistentvolumes', pv, ['Capacity', 'Access Modes', 'Reclaim Policy', 'Status', 'Claim', 'StorageClass', 'VolumeAttributesClass', 'Reason', 'VolumeMode']),
    ['10Gi', 'RWO,ROX', 'Retain', 'Bound', 'default/data', 'standard', '<unset>', '', 'Filesystem']);
  const deleting = cells('', 'persistentvolumes', { metadata: meta('pv2', { deletionTimestamp: ago(SEC), annotations: { 'volume.beta.kubernetes.io/storage-class': 'old' } }), spec: { capacity: { storage: '1536Mi' } }, status: { phase: 'Released' } });
  assert.equal(deleting.Status, 'Terminating');
  assert.equal(deleting.StorageClass, 'old');
  assert.equal(deleting.Capacity, '1536Mi');
  assert.equal(deleting.Claim, '');
  const bound = { metadata: meta('data'), spec: { volumeName: 'pv1', storageClassName: 'fast', volumeMode: 'Block' }, status: { phase: 'Bound', capacity: { storage: '10Gi' }, accessModes: ['ReadWriteMany'] } };
  assert.deepEqual(row('', 'persistentvolumeclaims', bound, ['Status', 'Volume', 'Capacity', 'Access Modes', 'StorageClass', 'VolumeAttributesClass', 'VolumeMode']),
    ['Bound', 'pv1', '10Gi', 'RWX', 'fast', '<unset>', 'Block']);
  const pending = cells('', 'persistentvolumeclaims', { metadata: meta('p'), spec: { resources: { requests: { storage: '1Gi' } } }, status: { phase: 'Pending' } });
  assert.deepEqual([pending.Volume, pending.Capacity, pending['Access Modes'], pending.StorageClass, pending.VolumeMode], ['', '', '', '', '<unset>']);
});

test('replication controllers, pod templates, quotas, component statuses', () => {
  const rc = { metadata: meta('rc'), spec: { replicas: 3, selector: { app: 'x' }, template: { spec: { containers: [{ name: 'a', image: 'nginx' }, { name: 'b', image: 'busybox' }] } } }, status: { replicas: 2, readyReplicas: 1 } };
  assert.deepEqual(row('', 'replicationcontrollers', rc, ['Desired', 'Current', 'Ready', 'Containers', 'Images', 'Selector']), [3, 2, 1, 'a,b', 'nginx,busybox', 'app=x']);
  assert.equal(cells('', 'replicationcontrollers', { metadata: meta('rc'), spec: {} }).Desired, 1);
  const pt = { metadata: meta('pt'), template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'a', image: 'nginx' }] } } };
  assert.deepEqual(row('', 'podtemplates', pt, ['Containers', 'Images', 'Pod Labels']), ['a', 'nginx', 'app=x']);
  const quota = { metadata: meta('q'), status: { hard: { pods: '10', 'requests.cpu': '1', 'limits.memory': '2Gi' }, used: { pods: '3', 'requests.cpu': '500m', 'limits.memory': '1024Mi' } } };
  assert.deepEqual(row('', 'resourcequotas', quota, ['Request', 'Limit']), ['pods: 3/10, requests.cpu: 500m/1', 'limits.memory: 1Gi/2Gi']);
  const cs = { metadata: { name: 'scheduler' }, conditions: [{ type: 'Healthy', status: 'False', message: 'Get "https://127.0.0.1:10259/healthz": dial tcp 127.0.0.1:10259: connect: connection refused' }] };
  assert.deepEqual(row('', 'componentstatuses', cs, ['Name', 'Status', 'Message', 'Error']),
    ['scheduler', 'Unhealthy', 'Get "https://127.0.0.1:10259/healthz": dial tcp 127.0.0.1:10259: connect: connection refused', '']);
  assert.equal(cells('', 'componentstatuses', { metadata: { name: 'etcd-0' } }).Status, 'Unknown');
});

test('resources without a printer get Name and Created At', () => {
  const c = cells('', 'limitranges', { metadata: meta('lr') });
  assert.deepEqual(Object.keys(c).sort(), ['Age', 'Created At', 'Name']);
  assert.equal(c['Created At'], ago(115 * SEC));
});
