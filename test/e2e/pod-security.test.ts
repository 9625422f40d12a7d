// PodSecurity admission through kubectl 1.32: enforce refuses with upstream's message, warn
// warns, controllers are created with warnings, label changes warn about existing pods, bad
// labels are refused, exemptions come from --admission-control-config-file, and the audit log
// carries the pod-security.kubernetes.io annotations.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;
let dir: string;

const podYaml = (ns: string, name: string, privileged: boolean) => `apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: ${ns}}
spec:
  containers:
  - name: c
    image: nginx
${privileged ? '    securityContext: {privileged: true}\n' : ''}`;

async function namespace(name: string, labels: Record<string, string> = {}): Promise<void> {
  await s.kubectlOk(['create', 'namespace', name]);
  await s.defaultServiceAccount(name);
  const pairs = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
  if (pairs.length > 0) await s.kubectlOk(['label', 'namespace', name, ...pairs]);
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kas-psa-'));
  writeFileSync(join(dir, 'admission.yaml'), `apiVersion: apiserver.config.k8s.io/v1
kind: AdmissionConfiguration
plugins:
- name: PodSecurity
  configuration:
    apiVersion: pod-security.admission.config.k8s.io/v1
    kind: PodSecurityConfiguration
    exemptions:
      namespaces: [psa-exempt]
`);
  writeFileSync(join(dir, 'policy.yaml'), 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  resources: [{group: "", resources: [pods]}]\n');
  s = await startTestServer([
    '--allow-privileged=true', `--admission-control-config-file=${join(dir, 'admission.yaml')}`,
    `--audit-policy-file=${join(dir, 'policy.yaml')}`, `--audit-log-path=${join(dir, 'audit.log')}`,
  ]);
});
after(async () => { await s?.stop(); });

describe('PodSecurity', () => {
  it('enforce=restricted refuses a privileged pod with upstream\'s message', async () => {
    await namespace('psa-restricted', { 'pod-security.kubernetes.io/enforce': 'restricted' });
    const r = await s.kubectl(['apply', '-f', '-'], { input: podYaml('psa-restricted', 'priv', true) });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Error from server \(Forbidden\): error when creating "STDIN": pods "priv" is forbidden: violates PodSecurity "restricted:latest": privileged \(container "c" must not set securityContext\.privileged=true\), allowPrivilegeEscalation != false \(container "c" must set securityContext\.allowPrivilegeEscalation=false\), unrestricted capabilities \(container "c" must set securityContext\.capabilities\.drop=\["ALL"\]\), runAsNonRoot != true \(pod or container "c" must set securityContext\.runAsNonRoot=true\), seccompProfile \(pod or container "c" must set securityContext\.seccompProfile\.type to "RuntimeDefault" or "Localhost"\)/);
  });

  it('warn=baseline lets a privileged pod in with a warning', async () => {
    await namespace('psa-warn', { 'pod-security.kubernetes.io/warn': 'baseline' });
    const r = await s.kubectl(['apply', '-f', '-'], { input: podYaml('psa-warn', 'priv', true) });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Warning: would violate PodSecurity "baseline:latest": privileged \(container "c" must not set securityContext\.privileged=true\)/);
  });

  it('a Deployment in an enforce namespace is created, with a warning', async () => {
    const r = await s.kubectl(['create', 'deployment', 'web', '--image=nginx', '-n', 'psa-restricted']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Warning: would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false/);
    assert.match(r.stdout, /deployment\.apps\/web created/);
  });

  it('tightening enforce warns about the existing pods', async () => {
    const r = await s.kubectl(['label', 'namespace', 'psa-warn', 'pod-security.kubernetes.io/enforce=baseline']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Warning: existing pods in namespace "psa-warn" violate the new PodSecurity enforce level "baseline:latest"/);
    assert.match(r.stderr, /Warning: priv: privileged/);
  });

  it('refuses a bad level label with upstream\'s message', async () => {
    const r = await s.kubectl(['label', 'namespace', 'psa-warn', 'pod-security.kubernetes.io/enforce=strict', '--overwrite']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /The Namespace "psa-warn" is invalid: metadata\.labels\[pod-security\.kubernetes\.io\/enforce\]: Invalid value: "strict": must be one of privileged, baseline, restricted/);
  });

  it('exempt namespaces from the configuration file are not checked', async () => {
    await namespace('psa-exempt');
    const r = await s.kubectl(['label', 'namespace', 'psa-exempt', 'pod-security.kubernetes.io/enforce=restricted']);
    assert.match(r.stderr, /Warning: namespace "psa-exempt" is exempt from Pod Security, and the policy \(enforce=restricted:latest\) will be ignored/);
    await s.kubectlOk(['apply', '-f', '-'], podYaml('psa-exempt', 'priv', true));
  });

  it('records the decision on the audit event', async () => {
    await s.kubectl(['apply', '-f', '-'], { input: podYaml('psa-restricted', 'denied', true) });
    const deadline = Date.now() + 5000;
    let annotations: Record<string, string> | undefined;
    while (!annotations && Date.now() < deadline) {
      const events = readFileSync(join(dir, 'audit.log'), 'utf8').split('\n').filter(Boolean).map(l => JSON.parse(l) as { stage: string; objectRef?: { name?: string; namespace?: string }; annotations?: Record<string, string> });
      annotations = events.find(e => e.stage === 'ResponseComplete' && e.objectRef?.namespace === 'psa-restricted' && e.annotations?.['pod-security.kubernetes.io/enforce-policy'])?.annotations;
      if (!annotations) await new Promise(res => setTimeout(res, 100));
    }
    assert.equal(annotations?.['pod-security.kubernetes.io/enforce-policy'], 'restricted:latest');
    const exempt = readFileSync(join(dir, 'audit.log'), 'utf8').includes('"pod-security.kubernetes.io/exempt":"namespace"');
    assert.ok(exempt, 'the exempt pod is audited as exempt');
  });
});
