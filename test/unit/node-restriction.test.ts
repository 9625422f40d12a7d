import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forbiddenNodeLabels } from '../../src/admission/node-restriction.js';

test('kubelets may set their own label namespaces but not node-restriction or other kubernetes.io labels', () => {
  assert.deepEqual(forbiddenNodeLabels({
    'kubernetes.io/hostname': 'n1', 'kubernetes.io/os': 'linux', 'topology.kubernetes.io/zone': 'z',
    'node.kubernetes.io/instance-type': 'big', 'kubelet.kubernetes.io/x': '1', 'sub.node.kubernetes.io/y': '2', 'example.com/free': 'x', plain: 'y',
  }), []);
  assert.deepEqual(forbiddenNodeLabels({
    'node-restriction.kubernetes.io/a': '1', 'team.node-restriction.kubernetes.io/b': '1', 'kubernetes.io/role': 'master', 'k8s.io/x': '1', 'foo.k8s.io/y': '1',
  }), ['foo.k8s.io/y', 'k8s.io/x', 'kubernetes.io/role', 'node-restriction.kubernetes.io/a', 'team.node-restriction.kubernetes.io/b']);
});

test('only changed labels count, removals included', () => {
  const old = { 'node-restriction.kubernetes.io/a': '1', 'kubernetes.io/hostname': 'n1' };
  assert.deepEqual(forbiddenNodeLabels({ ...old }, old), []);
  assert.deepEqual(forbiddenNodeLabels({ 'kubernetes.io/hostname': 'n1' }, old), ['node-restriction.kubernetes.io/a']);
  assert.deepEqual(forbiddenNodeLabels({ ...old, 'node-restriction.kubernetes.io/a': '2' }, old), ['node-restriction.kubernetes.io/a']);
});
