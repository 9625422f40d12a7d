// Upstream defaulting for minimal manifests: what `kubectl get -o yaml` shows on a 1.32 cluster
// (server-set metadata and admission-plugin additions aside).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { builtinCatalog } from '../../src/api/catalog.js';
import { decodeObject } from '../../src/api/decode.js';
import { applyDefaults } from '../../src/api/defaults/index.js';
import type { ResourceInfo } from '../../src/api/resource-info.js';
import type { KubeObject } from '../../src/api/types.js';

const catalog = builtinCatalog();
function info(group: string, version: string, resource: string): ResourceInfo {
  const r = catalog.lookup(group, version, resource);
  assert.ok(r);
  return r;
}

/** decode, as the handler does, then default as at create. */
function created(i: ResourceInfo, body: Record<string, unknown>): KubeObject {
  const { obj } = decodeObject(i, body, { fieldValidation: 'Strict' });
  applyDefaults(i, obj);
  return obj;
}

const container = { name: 'web', image: 'nginx' };
const defaultedContainer = {
  name: 'web', image: 'nginx', imagePullPolicy: 'Always', resources: {},
  terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File',
};
const templateSpecDefaults = {
  dnsPolicy: 'ClusterFirst', restartPolicy: 'Always', schedulerName: 'default-scheduler',
  securityContext: {}, terminationGracePeriodSeconds: 30,
};

describe('pod defaults', () => {
  it('defaults a minimal pod', () => {
    const pod = created(info('', 'v1', 'pods'), { metadata: { name: 'p' }, spec: { containers: [container] } });
    assert.deepEqual(pod['spec'], { containers: [defaultedContainer], ...templateSpecDefaults, enableServiceLinks: true });
  });

  it('derives imagePullPolicy from the tag, and defaults ports, probes and volumes', () => {
    const pod = created(info('', 'v1', 'pods'), {
      metadata: { name: 'p' },
      spec: {
        hostNetwork: true,
        containers: [
          { name: 'a', image: 'nginx:1.27', ports: [{ containerPort: 80 }], readinessProbe: { httpGet: { port: 80 } }, resources: { limits: { cpu: '1' } } },
          { name: 'b', image: 'registry.example.com:5000/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef' },
          { name: 'c', image: 'busybox:latest', env: [{ name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }] },
        ],
        volumes: [{ name: 'scratch' }, { name: 'cfg', configMap: { name: 'cfg' } }],
      },
    });
    const spec = pod['spec'] as { containers: Array<Record<string, unknown>>; volumes: unknown[] };
    assert.deepEqual(spec.containers.map(c => c['imagePullPolicy']), ['IfNotPresent', 'IfNotPresent', 'Always']);
    assert.deepEqual(spec.containers[0]?.['ports'], [{ containerPort: 80, protocol: 'TCP', hostPort: 80 }]);
    assert.deepEqual(spec.containers[0]?.['readinessProbe'], {
      httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3,
    });
    assert.deepEqual(spec.containers[0]?.['resources'], { limits: { cpu: '1' }, requests: { cpu: '1' } });
    assert.deepEqual(spec.containers[2]?.['env'], [{ name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName', apiVersion: 'v1' } } }]);
    assert.deepEqual(spec.volumes, [{ name: 'scratch', emptyDir: {} }, { name: 'cfg', configMap: { name: 'cfg', defaultMode: 420 } }]);
  });
});

describe('workload defaults', () => {
  const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [container] } };
  const defaultedTemplate = { metadata: { labels: { app: 'web' }, creationTimestamp: null }, spec: { containers: [defaultedContainer], ...templateSpecDefaults } };

  it('defaults a minimal deployment', () => {
    const d = created(info('apps', 'v1', 'deployments'), { metadata: { name: 'web' }, spec: { selector: { matchLabels: { app: 'web' } }, template } });
    assert.deepEqual(d['spec'], {
      selector: { matchLabels: { app: 'web' } }, template: defaultedTemplate, replicas: 1,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      revisionHistoryLimit: 10, progressDeadlineSeconds: 600,
    });
  });

  it('defaults statefulsets and daemonsets', () => {
    const ss = created(info('apps', 'v1', 'statefulsets'), {
      metadata: { name: 'db' },
      spec: { selector: { matchLabels: { app: 'web' } }, template, volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }] },
    });
    const spec = ss['spec'] as Record<string, unknown>;
    assert.equal(spec['podManagementPolicy'], 'OrderedReady');
    assert.deepEqual(spec['updateStrategy'], { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
    assert.deepEqual(spec['persistentVolumeClaimRetentionPolicy'], { whenDeleted: 'Retain', whenScaled: 'Retain' });
    assert.equal(spec['replicas'], 1);
    assert.equal(spec['revisionHistoryLimit'], 10);
    assert.deepEqual(spec['volumeClaimTemplates'], [{
      apiVersion: 'v1', kind: 'PersistentVolumeClaim',
      metadata: { name: 'data', creationTimestamp: null },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeMode: 'Filesystem' },
      status: { phase: 'Pending' },
    }]);
    const ds = created(info('apps', 'v1', 'daemonsets'), { metadata: { name: 'agent' }, spec: { selector: { matchLabels: { app: 'web' } }, template } });
    const dspec = ds['spec'] as Record<string, unknown>;
    assert.deepEqual(dspec['updateStrategy'], { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    assert.equal(dspec['revisionHistoryLimit'], 10);
  });

  it('defaults a job and generates its selector from the uid', () => {
    const jobs = info('batch', 'v1', 'jobs');
    const { obj } = decodeObject(jobs, { metadata: { name: 'pi' }, spec: { template: { spec: { containers: [container], restartPolicy: 'Never' } } } }, { fieldValidation: 'Strict' });
    obj.metadata.uid = '1b0e-uid';
    applyDefaults(jobs, obj);
    const labels = { 'batch.kubernetes.io/controller-uid': '1b0e-uid', 'batch.kubernetes.io/job-name': 'pi', 'controller-uid': '1b0e-uid', 'job-name': 'pi' };
    assert.deepEqual(obj.metadata.labels, labels);
    assert.deepEqual(obj['spec'], {
      template: { metadata: { creationTimestamp: null, labels }, spec: { containers: [defaultedContainer], ...templateSpecDefaults, restartPolicy: 'Never' } },
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': '1b0e-uid' } },
      completions: 1, parallelism: 1, backoffLimit: 6, completionMode: 'NonIndexed', suspend: false, manualSelector: false,
      podReplacementPolicy: 'TerminatingOrFailed',
    });
  });

  it('does not regenerate a job selector on update', () => {
    const jobs = info('batch', 'v1', 'jobs');
    const job: KubeObject = { metadata: { name: 'pi', uid: 'u' }, spec: { template: { spec: { containers: [container] } } } };
    applyDefaults(jobs, job, { metadata: { name: 'pi', uid: 'u' } });
    assert.equal((job['spec'] as Record<string, unknown>)['selector'], undefined);
  });

  it('defaults a cronjob and its job template pod spec only', () => {
    const cj = created(info('batch', 'v1', 'cronjobs'), { metadata: { name: 'tick' }, spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: { spec: { containers: [container], restartPolicy: 'OnFailure' } } } } } });
    assert.deepEqual(cj['spec'], {
      schedule: '*/5 * * * *',
      jobTemplate: { metadata: { creationTimestamp: null }, spec: { template: { metadata: { creationTimestamp: null }, spec: { containers: [defaultedContainer], ...templateSpecDefaults, restartPolicy: 'OnFailure' } } } },
      concurrencyPolicy: 'Allow', suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1,
    });
  });
});

describe('core object defaults', () => {
  it('defaults a minimal ClusterIP service', () => {
    const svc = created(info('', 'v1', 'services'), { metadata: { name: 's' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } });
    assert.deepEqual(svc['spec'], {
      selector: { app: 'web' }, ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
      sessionAffinity: 'None', type: 'ClusterIP', internalTrafficPolicy: 'Cluster',
    });
  });

  it('defaults LoadBalancer and ClientIP-affinity services', () => {
    const svc = created(info('', 'v1', 'services'), { metadata: { name: 's' }, spec: { type: 'LoadBalancer', sessionAffinity: 'ClientIP', ports: [{ port: 443, targetPort: 'https' }] } });
    assert.deepEqual(svc['spec'], {
      type: 'LoadBalancer', sessionAffinity: 'ClientIP', ports: [{ port: 443, targetPort: 'https', protocol: 'TCP' }],
      sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } }, externalTrafficPolicy: 'Cluster',
      internalTrafficPolicy: 'Cluster', allocateLoadBalancerNodePorts: true,
    });
  });

  it('defaults secrets, merging stringData into data', () => {
    const s = created(info('', 'v1', 'secrets'), { metadata: { name: 's' }, data: { a: 'YQ==' }, stringData: { b: 'bee' } });
    assert.equal(s['type'], 'Opaque');
    assert.deepEqual(s['data'], { a: 'YQ==', b: 'YmVl' });
    assert.equal(s['stringData'], undefined);
  });

  it('labels namespaces with their name and adds the kubernetes finalizer at create', () => {
    const ns = created(info('', 'v1', 'namespaces'), { metadata: { name: 'team-a' } });
    assert.deepEqual(ns.metadata.labels, { 'kubernetes.io/metadata.name': 'team-a' });
    assert.deepEqual(ns['spec'], { finalizers: ['kubernetes'] });
    const finalized: KubeObject = { metadata: { name: 'team-a' }, spec: {} };
    applyDefaults(info('', 'v1', 'namespaces'), finalized, ns);
    assert.deepEqual(finalized['spec'], {});
  });

  it('defaults claims and volumes', () => {
    const pvc = created(info('', 'v1', 'persistentvolumeclaims'), { metadata: { name: 'c' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } });
    assert.equal((pvc['spec'] as Record<string, unknown>)['volumeMode'], 'Filesystem');
    const pv = created(info('', 'v1', 'persistentvolumes'), { metadata: { name: 'v' }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/data' } } });
    assert.deepEqual(pv['spec'], { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/data', type: '' }, persistentVolumeReclaimPolicy: 'Retain', volumeMode: 'Filesystem' });
  });

  it('defaults rbac subjects and roleRef groups', () => {
    const rb = created(info('rbac.authorization.k8s.io', 'v1', 'rolebindings'), {
      metadata: { name: 'rb' }, roleRef: { kind: 'Role', name: 'r' },
      subjects: [{ kind: 'User', name: 'alice' }, { kind: 'ServiceAccount', name: 'default', namespace: 'ns' }],
    });
    assert.deepEqual(rb['roleRef'], { kind: 'Role', name: 'r', apiGroup: 'rbac.authorization.k8s.io' });
    assert.deepEqual(rb['subjects'], [{ kind: 'User', name: 'alice', apiGroup: 'rbac.authorization.k8s.io' }, { kind: 'ServiceAccount', name: 'default', namespace: 'ns' }]);
  });
});
