// The PodSecurity plugin: namespace labels, enforce/audit/warn on pods, pod controllers warned
// but never refused, exemptions, significant pod updates, existing-pod warnings on label
// changes, the configuration file and --allow-privileged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readAdmissionConfiguration } from '../../src/admission/config-file.js';
import { parsePodSecurityConfig, type PodSecurityConfig } from '../../src/admission/pod-security/config.js';
import { isSignificantPodUpdate, podSecurity } from '../../src/admission/pod-security/plugin.js';
import { policyToEvaluate } from '../../src/admission/pod-security/api.js';
import { withAuditAnnotations } from '../../src/api/audit-annotations.js';
import { isApiError, type ApiError } from '../../src/api/errors.js';
import type { ResourceInfo } from '../../src/api/resource-info.js';
import type { KubeObject } from '../../src/api/types.js';
import { withWarnings } from '../../src/api/warnings.js';
import { setAllowPrivileged, validatePrivileged } from '../../src/api/validation/privileged.js';
import { validatePodSpec } from '../../src/api/validation/pod-spec.js';
import { runAsUser } from '../../src/authz/request-user.js';
import type { Operation } from '../../src/admission/plugin.js';
import { metricsText, resetMetrics } from '../../src/observability/metrics.js';

const info = (group: string, resource: string) => ({ group, resource } as ResourceInfo);
const ns = (name: string, labels: Record<string, string> = {}): KubeObject => ({ metadata: { name, labels } });
const pod = (name: string, spec: Record<string, unknown>, extra: Record<string, unknown> = {}): KubeObject =>
  ({ metadata: { name, namespace: 'ns', ...extra }, spec });
const privilegedPod = (name = 'p') => pod(name, { containers: [{ name: 'c', image: 'x', securityContext: { privileged: true } }] });
const plainPod = (name = 'p', image = 'x') => pod(name, { containers: [{ name: 'c', image }] });

interface Outcome { error?: ApiError; warnings: string[]; annotations: Record<string, string> }

function setup(labels: Record<string, string>, opts: { config?: PodSecurityConfig; pods?: KubeObject[]; limits?: { maxPods: number; timeoutMs: number } } = {}) {
  const namespaces = new Map([['ns', ns('ns', labels)]]);
  const plugin = podSecurity({
    config: opts.config ?? parsePodSecurityConfig(undefined),
    getNamespace: async name => namespaces.get(name) ?? null,
    listPods: async () => opts.pods ?? [],
    ...(opts.limits ? { limits: opts.limits } : {}),
  });
  const run = async (op: Operation, i: ResourceInfo, obj: KubeObject, old: KubeObject | null = null, subresource?: string, user = 'alice'): Promise<Outcome> => {
    const out: Outcome = { warnings: [], annotations: {} };
    try {
      await runAsUser({ name: user, groups: [] }, () => withWarnings(w => out.warnings.push(w), () =>
        withAuditAnnotations((k, v) => { out.annotations[k] = v; }, () => plugin.validate!(op, i, obj, old, { dryRun: false, ...(subresource ? { subresource } : {}) }))));
    } catch (e) {
      if (!isApiError(e)) throw e;
      out.error = e;
    }
    return out;
  };
  return { run, namespaces };
}

const PODS = info('', 'pods');
const RESTRICTED_BARE = 'allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")';

test('enforce refuses a pod with upstream\'s 403 and records the policy', async () => {
  const { run } = setup({ 'pod-security.kubernetes.io/enforce': 'restricted' });
  const r = await run('create', PODS, plainPod('x'));
  assert.equal(r.error?.code, 403);
  assert.equal(r.error?.reason, 'Forbidden');
  assert.equal(r.error?.message, `pods "x" is forbidden: violates PodSecurity "restricted:latest": ${RESTRICTED_BARE}`);
  assert.deepEqual(r.error?.details, { name: 'x', kind: 'pods' });
  // Refused requests get no warnings; the audit event gets the policy and the violations.
  assert.deepEqual(r.warnings, []);
  assert.deepEqual(r.annotations, { 'pod-security.kubernetes.io/enforce-policy': 'restricted:latest' });
});

test('warn and audit modes let the pod in with a warning and an audit annotation', async () => {
  const { run } = setup({ 'pod-security.kubernetes.io/warn': 'baseline', 'pod-security.kubernetes.io/audit': 'restricted', 'pod-security.kubernetes.io/audit-version': 'v1.30' });
  const r = await run('create', PODS, privilegedPod());
  assert.equal(r.error, undefined);
  assert.deepEqual(r.warnings, ['would violate PodSecurity "baseline:latest": privileged (container "c" must not set securityContext.privileged=true)']);
  assert.equal(r.annotations['pod-security.kubernetes.io/enforce-policy'], 'privileged:latest');
  assert.match(r.annotations['pod-security.kubernetes.io/audit-violations']!, /^would violate PodSecurity "restricted:v1\.30": privileged \(container "c" must not set securityContext\.privileged=true\), allowPrivilegeEscalation != false/);
});

test('a fully privileged namespace short-circuits; warn follows a stricter enforce label', async () => {
  assert.deepEqual((await setup({}).run('create', PODS, privilegedPod())).annotations, { 'pod-security.kubernetes.io/enforce-policy': 'privileged:latest' });
  const p = policyToEvaluate({ 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/enforce-version': 'v1.29' }, parsePodSecurityConfig(undefined).defaults).policy;
  assert.deepEqual(p.warn, { level: 'baseline', version: { latest: false, minor: 29 } });
});

test('pod controllers get warnings and audit annotations but are never refused', async () => {
  const { run } = setup({ 'pod-security.kubernetes.io/enforce': 'restricted' });
  const template = { metadata: {}, spec: { containers: [{ name: 'c', image: 'x' }] } };
  const cases: Array<[string, string, Record<string, unknown>]> = [
    ['apps', 'deployments', { spec: { template } }], ['apps', 'replicasets', { spec: { template } }], ['apps', 'statefulsets', { spec: { template } }],
    ['apps', 'daemonsets', { spec: { template } }], ['batch', 'jobs', { spec: { template } }], ['batch', 'cronjobs', { spec: { jobTemplate: { spec: { template } } } }],
    ['', 'replicationcontrollers', { spec: { template } }], ['', 'podtemplates', { template }],
  ];
  for (const [group, resource, body] of cases) {
    const r = await run('create', info(group, resource), { metadata: { name: 'd', namespace: 'ns' }, ...body });
    assert.equal(r.error, undefined, resource);
    assert.deepEqual(r.warnings, [`would violate PodSecurity "restricted:latest": ${RESTRICTED_BARE}`], resource);
    // Audit is privileged here; enforce does not apply to controllers.
    assert.deepEqual(r.annotations, {}, resource);
  }
  // A replication controller without a template has nothing to check; subresources are skipped.
  assert.deepEqual((await run('create', info('', 'replicationcontrollers'), { metadata: { name: 'r', namespace: 'ns' }, spec: {} })).warnings, []);
  assert.deepEqual((await run('update', info('apps', 'deployments'), { metadata: { name: 'd', namespace: 'ns' }, spec: { template } }, null, 'scale')).warnings, []);
});

test('pod subresources: status and friends are skipped, ephemeralcontainers is checked', async () => {
  const { run } = setup({ 'pod-security.kubernetes.io/enforce': 'baseline' });
  const old = pod('p', { containers: [{ name: 'c', image: 'x' }] });
  const withDebug = pod('p', { containers: [{ name: 'c', image: 'x' }], ephemeralContainers: [{ name: 'dbg', image: 'busybox', securityContext: { privileged: true } }] });
  for (const sub of ['status', 'exec', 'attach', 'binding', 'eviction', 'log', 'portforward', 'proxy']) {
    assert.equal((await run('update', PODS, withDebug, old, sub)).error, undefined, sub);
  }
  const r = await run('update', PODS, withDebug, old, 'ephemeralcontainers');
  assert.equal(r.error?.message, 'pods "p" is forbidden: violates PodSecurity "baseline:latest": privileged (container "dbg" must not set securityContext.privileged=true)');
});

test('updates that change no image (or ephemeral container) are allowed unchecked', async () => {
  const { run } = setup({ 'pod-security.kubernetes.io/enforce': 'baseline' });
  const old = privilegedPod();
  const relabelled = { ...privilegedPod(), metadata: { ...old.metadata, labels: { a: 'b' } } };
  assert.equal((await run('update', PODS, relabelled, old)).error, undefined);
  const newImage = pod('p', { containers: [{ name: 'c', image: 'y', securityContext: { privileged: true } }] });
  assert.equal((await run('update', PODS, newImage, old)).error?.code, 403);
  assert.equal(isSignificantPodUpdate(pod('p', { containers: [{ image: 'a' }], initContainers: [] }), pod('p', { containers: [{ image: 'a' }] })), false);
  assert.equal(isSignificantPodUpdate(pod('p', { containers: [{ image: 'a' }, { image: 'b' }] }), pod('p', { containers: [{ image: 'a' }] })), true);
  assert.equal(isSignificantPodUpdate(pod('p', { ephemeralContainers: [{ name: 'e', image: 'a' }] }), pod('p', { ephemeralContainers: [{ name: 'e', image: 'a' }] })), false);
  assert.equal(isSignificantPodUpdate(pod('p', { ephemeralContainers: [{ name: 'e', image: 'a' }] }), pod('p', {})), true);
});

test('exemptions: usernames, namespaces, runtime classes', async () => {
  const raw = (exemptions: Record<string, string[]>) => parsePodSecurityConfig({ apiVersion: 'pod-security.admission.config.k8s.io/v1', kind: 'PodSecurityConfiguration', exemptions });
  const labels = { 'pod-security.kubernetes.io/enforce': 'baseline' };
  const config = raw({ usernames: ['admin'], namespaces: ['ns'], runtimeClasses: ['kata'] });
  assert.deepEqual((await setup(labels, { config }).run('create', PODS, privilegedPod())).annotations, { 'pod-security.kubernetes.io/exempt': 'namespace' });
  const other = raw({ usernames: ['admin'], runtimeClasses: ['kata'] });
  const { run } = setup(labels, { config: other });
  assert.deepEqual((await run('create', PODS, privilegedPod(), null, undefined, 'admin')).annotations, { 'pod-security.kubernetes.io/exempt': 'user' });
  const kata = pod('p', { runtimeClassName: 'kata', containers: [{ name: 'c', securityContext: { privileged: true } }] });
  assert.deepEqual((await run('create', PODS, kata)).annotations, { 'pod-security.kubernetes.io/exempt': 'runtimeClass' });
  assert.equal((await run('create', PODS, privilegedPod())).error?.code, 403);
});

test('configuration defaults apply to unlabelled namespaces', async () => {
  const config = parsePodSecurityConfig({ apiVersion: 'pod-security.admission.config.k8s.io/v1', kind: 'PodSecurityConfiguration', defaults: { enforce: 'baseline', 'enforce-version': 'v1.31', warn: 'restricted' } });
  const { run } = setup({}, { config });
  const r = await run('create', PODS, privilegedPod());
  assert.equal(r.error?.message, 'pods "p" is forbidden: violates PodSecurity "baseline:v1.31": privileged (container "c" must not set securityContext.privileged=true)');
  assert.deepEqual((await run('create', PODS, plainPod())).warnings, [`would violate PodSecurity "restricted:latest": ${RESTRICTED_BARE}`]);
});

test('a bad namespace label is refused with upstream\'s 422, on create and when changed', async () => {
  const { run } = setup({});
  const bad = ns('ns', { 'pod-security.kubernetes.io/enforce': 'strict', 'pod-security.kubernetes.io/warn-version': '1.30' });
  const r = await run('create', info('', 'namespaces'), bad);
  assert.equal(r.error?.code, 422);
  assert.equal(r.error?.message, 'Namespace "ns" is invalid: [metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict": must be one of privileged, baseline, restricted, metadata.labels[pod-security.kubernetes.io/warn-version]: Invalid value: "1.30": must be "latest" or "v1.x"]');
  // Unchanged bad labels do not block other updates.
  assert.equal((await run('update', info('', 'namespaces'), bad, bad)).error, undefined);
  assert.equal((await run('update', info('', 'namespaces'), bad, ns('ns'))).error?.code, 422);
});

test('bad labels on the pod\'s namespace: enforce falls back to restricted, the error is audited', async () => {
  const { run } = setup({ 'pod-security.kubernetes.io/enforce': 'bogus' });
  const r = await run('create', PODS, plainPod());
  assert.match(r.error?.message ?? '', /violates PodSecurity "restricted:latest"/);
  assert.equal(r.annotations['pod-security.kubernetes.io/error'], 'Failed to parse policy: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "bogus": must be one of privileged, baseline, restricted');
});

test('tightening enforce warns about existing pods, grouped by reasons', async () => {
  const owner = (uid: string) => ({ ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid, controller: true }] });
  const pods = [privilegedPod('b'), privilegedPod('a'), pod('h', { hostNetwork: true, containers: [{ name: 'c' }] }, owner('1')), pod('h2', { hostNetwork: true, containers: [{ name: 'c' }] }, owner('1')), plainPod('ok')];
  const { run } = setup({}, { pods });
  const next = ns('ns', { 'pod-security.kubernetes.io/enforce': 'baseline' });
  const r = await run('update', info('', 'namespaces'), next, ns('ns'));
  assert.equal(r.error, undefined);
  assert.deepEqual(r.warnings, [
    'existing pods in namespace "ns" violate the new PodSecurity enforce level "baseline:latest"',
    'a (and 1 other pod): privileged',
    'h (and 1 other pod): host namespaces',
  ]);
  // Relaxing at the same version, or switching to privileged, checks nothing.
  assert.deepEqual((await run('update', info('', 'namespaces'), ns('ns', { 'pod-security.kubernetes.io/enforce': 'baseline' }), ns('ns', { 'pod-security.kubernetes.io/enforce': 'restricted' }))).warnings, []);
  assert.deepEqual((await run('update', info('', 'namespaces'), ns('ns', { 'pod-security.kubernetes.io/enforce': 'privileged' }), ns('ns'))).warnings, []);
});

test('existing-pod checks stop at the pod limit', async () => {
  const pods = [privilegedPod('a'), privilegedPod('b'), privilegedPod('c')];
  const { run } = setup({}, { pods, limits: { maxPods: 2, timeoutMs: 1000 } });
  const r = await run('update', info('', 'namespaces'), ns('ns', { 'pod-security.kubernetes.io/enforce': 'baseline' }), ns('ns'));
  assert.deepEqual(r.warnings, [
    'new PodSecurity enforce level only checked against the first 2 of 3 existing pods',
    'existing pods in namespace "ns" violate the new PodSecurity enforce level "baseline:latest"',
    'a (and 1 other pod): privileged',
  ]);
});

test('labelling an exempt namespace warns that the policy is ignored', async () => {
  const config = parsePodSecurityConfig({ apiVersion: 'pod-security.admission.config.k8s.io/v1', kind: 'PodSecurityConfiguration', exemptions: { namespaces: ['ns'] } });
  const { run } = setup({}, { config, pods: [privilegedPod()] });
  const r = await run('update', info('', 'namespaces'), ns('ns', { 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/audit': 'restricted' }), ns('ns'));
  // Warn follows enforce here but has no label of its own, so it is not listed; no pods are checked.
  assert.deepEqual(r.warnings, ['namespace "ns" is exempt from Pod Security, and the policy (enforce=baseline:latest, audit=restricted:latest) will be ignored']);
});

test('PodSecurityConfiguration validation and the AdmissionConfiguration file', async () => {
  assert.throws(() => parsePodSecurityConfig({ apiVersion: 'pod-security.admission.config.k8s.io/v1', kind: 'PodSecurityConfiguration', defaults: { enforce: 'x' }, exemptions: { usernames: ['', 'a', 'a'], namespaces: ['Bad'] } }),
    { message: 'PodSecurity invalid: [defaults.enforce: Invalid value: "x": must be one of privileged, baseline, restricted, exemptions.namespaces[0]: Invalid value: "Bad": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or \'-\', and must start and end with an alphanumeric character (e.g. \'my-name\',  or \'123-abc\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?\'), exemptions.usernames[0]: Invalid value: "": username must not be empty, exemptions.usernames[2]: Duplicate value: "a"]' });
  assert.throws(() => parsePodSecurityConfig({ apiVersion: 'v1', kind: 'Pod' }), /no kind "Pod" is registered for version "v1"/);
  const dir = mkdtempSync(join(tmpdir(), 'psa-'));
  writeFileSync(join(dir, 'psa.yaml'), 'apiVersion: pod-security.admission.config.k8s.io/v1\nkind: PodSecurityConfiguration\ndefaults:\n  enforce: restricted\n');
  writeFileSync(join(dir, 'admission.yaml'), 'apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n- name: PodSecurity\n  path: psa.yaml\n- name: Other\n  configuration: {a: 1}\n');
  const configs = await readAdmissionConfiguration(join(dir, 'admission.yaml'));
  assert.equal(parsePodSecurityConfig(await configs.configFor('PodSecurity')).defaults.enforce.level, 'restricted');
  assert.deepEqual(await configs.configFor('Other'), { a: 1 });
  assert.equal((await readAdmissionConfiguration('')).plugins.length, 0);
});

test('--allow-privileged: privileged containers refused by validation unless set', () => {
  const c = { name: 'c', securityContext: { privileged: true } };
  setAllowPrivileged(false);
  assert.deepEqual(validatePrivileged(c, 'spec.containers[0]'), [{ reason: 'FieldValueForbidden', message: 'Forbidden: disallowed by cluster policy', field: 'spec.containers[0].securityContext.privileged' }]);
  // Pod spec validation applies it to regular and init containers.
  const spec = { containers: [{ ...c, image: 'x' }], initContainers: [{ ...c, name: 'i', image: 'x' }] };
  const privilegedFields = (s: unknown) => validatePodSpec(s, 'spec').filter(e => e.message === 'Forbidden: disallowed by cluster policy').map(e => e.field);
  assert.deepEqual(privilegedFields(spec), ['spec.containers[0].securityContext.privileged', 'spec.initContainers[0].securityContext.privileged']);
  setAllowPrivileged(true);
  assert.deepEqual(validatePrivileged(c, 'spec.containers[0]'), []);
  assert.deepEqual(privilegedFields(spec), []);
  setAllowPrivileged(false);
});

test('metrics: evaluations by decision and mode, exemptions, errors', async () => {
  resetMetrics();
  const { run } = setup({ 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/warn': 'restricted', 'pod-security.kubernetes.io/warn-version': 'v1.40' });
  await run('create', PODS, privilegedPod());
  await run('create', PODS, plainPod());
  await run('create', info('apps', 'deployments'), { metadata: { name: 'd', namespace: 'ns' }, spec: { template: { spec: { containers: [{ name: 'c' }] } } } });
  await run('create', PODS, pod('p', { containers: [{ name: 'c' }] }, { namespace: 'missing' }));
  const text = await metricsText();
  const line = (name: string, labels: string) => new RegExp(`^${name}\\{${labels}\\} (\\d+)`, 'm').exec(text)?.[1];
  assert.equal(line('pod_security_evaluations_total', 'decision="deny",policy_level="baseline",policy_version="latest",mode="enforce",request_operation="create",resource="pod",subresource=""'), '1');
  assert.equal(line('pod_security_evaluations_total', 'decision="allow",policy_level="baseline",policy_version="latest",mode="enforce",request_operation="create",resource="pod",subresource=""'), '1');
  assert.equal(line('pod_security_evaluations_total', 'decision="deny",policy_level="restricted",policy_version="future",mode="warn",request_operation="create",resource="controller",subresource=""'), '1');
  assert.equal(line('pod_security_errors_total', 'fatal="true",request_operation="create",resource="pod",subresource=""'), '1');
});
