// Which field labels each resource accepts, the messages for the others, and field values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../../src/api/errors.js';
import { selectableFields, validateFieldSelector } from '../../src/api/selectable-fields.js';
import type { KubeObject } from '../../src/api/types.js';
import { parseFieldSelector } from '../../src/registry/selectors/fields.js';

function rejected(group: string, version: string, resource: string, selector: string): string {
  try {
    validateFieldSelector(group, version, resource, parseFieldSelector(selector));
  } catch (e) {
    assert.ok(e instanceof ApiError);
    assert.equal(e.code, 400);
    assert.equal(e.reason, 'BadRequest');
    return e.message;
  }
  return assert.fail(`${selector} accepted for ${resource}`);
}

function accepted(group: string, version: string, resource: string, selector: string): string {
  return validateFieldSelector(group, version, resource, parseFieldSelector(selector)).toString();
}

test('every resource accepts metadata.name and metadata.namespace', () => {
  assert.equal(accepted('apps', 'v1', 'deployments', 'metadata.name=a,metadata.namespace=b'), 'metadata.name=a,metadata.namespace=b');
  assert.equal(accepted('', 'v1', 'pods', 'metadata.name=a'), 'metadata.name=a');
  assert.equal(accepted('', 'v1', 'configmaps', 'metadata.namespace!=kube-system'), 'metadata.namespace!=kube-system');
});

test('resource-specific labels, and the renames upstream applies', () => {
  assert.equal(
    accepted('', 'v1', 'pods', 'spec.nodeName=n,spec.restartPolicy=Always,spec.schedulerName=s,spec.serviceAccountName=sa,spec.hostNetwork=true,status.phase=Running,status.podIP=1.2.3.4,status.podIPs=1.2.3.4,status.nominatedNodeName=m'),
    'spec.hostNetwork=true,spec.nodeName=n,spec.restartPolicy=Always,spec.schedulerName=s,spec.serviceAccountName=sa,status.nominatedNodeName=m,status.phase=Running,status.podIP=1.2.3.4,status.podIPs=1.2.3.4');
  assert.equal(accepted('', 'v1', 'pods', 'spec.host=n1'), 'spec.nodeName=n1');
  assert.equal(accepted('', 'v1', 'nodes', 'spec.unschedulable=true'), 'spec.unschedulable=true');
  assert.equal(accepted('', 'v1', 'namespaces', 'status.phase=Active'), 'status.phase=Active');
  assert.equal(accepted('', 'v1', 'secrets', 'type=Opaque'), 'type=Opaque');
  assert.equal(accepted('', 'v1', 'services', 'spec.type=NodePort,spec.clusterIP=None'), 'spec.clusterIP=None,spec.type=NodePort');
  assert.equal(accepted('', 'v1', 'replicationcontrollers', 'status.replicas=2'), 'status.replicas=2');
  assert.equal(accepted('batch', 'v1', 'jobs', 'status.successful=1'), 'status.successful=1');
  assert.equal(accepted('certificates.k8s.io', 'v1', 'certificatesigningrequests', 'spec.signerName=x/y'), 'spec.signerName=x/y');
  assert.equal(
    accepted('', 'v1', 'events', 'involvedObject.kind=Pod,involvedObject.name=p,involvedObject.uid=u,reason=Started,reportingComponent=kubelet,source=kubelet,type=Normal'),
    'involvedObject.kind=Pod,involvedObject.name=p,involvedObject.uid=u,reason=Started,reportingComponent=kubelet,source=kubelet,type=Normal');
  assert.equal(accepted('events.k8s.io', 'v1', 'events', 'regarding.name=p,reportingController=c,type=Warning'),
    'involvedObject.name=p,reportingComponent=c,type=Warning');
});

test('unsupported labels give upstream messages', () => {
  assert.equal(rejected('', 'v1', 'pods', 'status.hostIP=10.0.0.1'), 'field label not supported: status.hostIP');
  assert.equal(rejected('', 'v1', 'nodes', 'metadata.namespace=x'), 'field label not supported: metadata.namespace');
  assert.equal(rejected('', 'v1', 'namespaces', 'metadata.namespace=x'), 'field label not supported: metadata.namespace');
  assert.equal(rejected('batch', 'v1', 'jobs', 'status.failed=1'), 'field label "status.failed" not supported for Job');
  assert.equal(rejected('events.k8s.io', 'v1', 'events', 'involvedObject.name=x'), 'field label not supported: involvedObject.name');
  assert.equal(rejected('networking.k8s.io', 'v1', 'ingresses', 'foo.bar=baz'),
    '"foo.bar" is not a known field selector: only "metadata.name", "metadata.namespace"');
  // apps/v1 registers no conversion function upstream, so ReplicaSets get the default rule.
  assert.equal(rejected('apps', 'v1', 'replicasets', 'status.replicas=1'),
    '"status.replicas" is not a known field selector: only "metadata.name", "metadata.namespace"');
  assert.equal(validateFieldSelector('example.com', 'v1', 'widgets', parseFieldSelector('spec.color=red'), ['spec.color']).toString(), 'spec.color=red');
  assert.equal(rejected('example.com', 'v1', 'widgets', 'spec.color=red'),
    '"spec.color" is not a known field selector: only "metadata.name", "metadata.namespace"');
  // Terms are checked in sorted order; the first bad one is reported.
  assert.equal(rejected('', 'v1', 'pods', 'zz=1,aa=2'), 'field label not supported: aa');
});

function ko(o: Record<string, unknown>): KubeObject {
  return { metadata: { name: 'n', namespace: 'ns' }, ...o } as KubeObject;
}

test('field values are formatted as upstream formats them', () => {
  const pod = ko({ spec: { nodeName: 'node1', restartPolicy: 'Never', schedulerName: 'default-scheduler', serviceAccountName: 'sa', hostNetwork: true }, status: { phase: 'Running', podIPs: [{ ip: '10.1.0.5' }, { ip: 'fd00::5' }], nominatedNodeName: 'node2' } });
  const f = selectableFields('', 'pods', pod);
  assert.equal(f['metadata.name'], 'n');
  assert.equal(f['metadata.namespace'], 'ns');
  assert.equal(f['spec.nodeName'], 'node1');
  assert.equal(f['spec.hostNetwork'], 'true');
  assert.equal(f['status.podIP'], '10.1.0.5');
  assert.equal(f['status.podIPs'], undefined);
  assert.equal(f['status.nominatedNodeName'], 'node2');
  assert.equal(selectableFields('', 'pods', ko({ spec: {} }))['spec.hostNetwork'], 'false');
  assert.equal(selectableFields('', 'nodes', ko({ spec: { unschedulable: true } }))['spec.unschedulable'], 'true');
  assert.equal(selectableFields('', 'nodes', ko({}))['spec.unschedulable'], 'false');
  assert.equal(selectableFields('', 'replicationcontrollers', ko({ status: { replicas: 3 } }))['status.replicas'], '3');
  assert.equal(selectableFields('batch', 'jobs', ko({ status: {} }))['status.successful'], '0');
  assert.equal(selectableFields('batch', 'jobs', ko({ status: { succeeded: 2 } }))['status.successful'], '2');
  assert.equal(selectableFields('', 'secrets', ko({ type: 'kubernetes.io/tls' })).type, 'kubernetes.io/tls');
  assert.equal(selectableFields('', 'namespaces', ko({ status: { phase: 'Terminating' } }))['status.phase'], 'Terminating');
  assert.equal(selectableFields('', 'services', ko({ spec: { clusterIPs: ['10.0.0.9'], type: 'ClusterIP' } }))['spec.clusterIP'], '10.0.0.9');
  assert.equal(selectableFields('certificates.k8s.io', 'certificatesigningrequests', ko({ spec: { signerName: 'example.com/x' } }))['spec.signerName'], 'example.com/x');
  assert.equal(selectableFields('apps', 'deployments', ko({}))['status.replicas'], undefined);
});

test('event source falls back to the reporting controller', () => {
  const core = selectableFields('', 'events', ko({ involvedObject: { kind: 'Pod', name: 'p' }, reportingComponent: 'kubelet', source: {} }));
  assert.equal(core.source, 'kubelet');
  assert.equal(core['involvedObject.kind'], 'Pod');
  const v1 = ko({ regarding: { kind: 'Node', name: 'n1' }, reportingController: 'ctl', deprecatedSource: { component: 'old' } });
  const fields = selectableFields('events.k8s.io', 'events', v1);
  assert.equal(fields.source, 'old');
  assert.equal(fields.reportingComponent, 'ctl');
  const selector = validateFieldSelector('events.k8s.io', 'v1', 'events', parseFieldSelector('regarding.kind=Node,reportingController=ctl'));
  assert.equal(selector.matches(fields), true);
  // A caller that matches the untranslated selector gets the same answer.
  assert.equal(parseFieldSelector('regarding.kind=Node,reportingController=ctl').matches(fields), true);
});
