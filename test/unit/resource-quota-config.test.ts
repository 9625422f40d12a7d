import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readAdmissionConfiguration } from '../../src/admission/config-file.js';
import { parseResourceQuotaConfiguration } from '../../src/admission/resource-quota/config.js';

const dir = mkdtempSync(join(tmpdir(), 'admission-config-'));

test('AdmissionConfiguration: inline configuration and paths relative to the file', async () => {
  writeFileSync(join(dir, 'quota.yaml'), 'apiVersion: apiserver.config.k8s.io/v1\nkind: ResourceQuotaConfiguration\nlimitedResources:\n- resource: pods\n  matchScopes:\n  - scopeName: PriorityClass\n    operator: In\n    values: [cluster-services]\n');
  writeFileSync(join(dir, 'admission.yaml'), [
    'apiVersion: apiserver.config.k8s.io/v1',
    'kind: AdmissionConfiguration',
    'plugins:',
    '- name: ResourceQuota',
    '  path: quota.yaml',
    '- name: EventRateLimit',
    '  configuration:',
    '    apiVersion: eventratelimit.admission.k8s.io/v1alpha1',
    '    kind: Configuration',
  ].join('\n'));
  const provider = await readAdmissionConfiguration(join(dir, 'admission.yaml'));
  assert.equal(provider.plugins[0]!.path, join(dir, 'quota.yaml'));
  assert.deepEqual(parseResourceQuotaConfiguration(await provider.configFor('ResourceQuota')), [
    { apiGroup: '', resource: 'pods', matchContains: [], matchScopes: [{ scopeName: 'PriorityClass', operator: 'In', values: ['cluster-services'] }] },
  ]);
  assert.deepEqual(await provider.configFor('EventRateLimit'), { apiVersion: 'eventratelimit.admission.k8s.io/v1alpha1', kind: 'Configuration' });
  assert.equal(await provider.configFor('LimitRanger'), undefined);
  assert.deepEqual((await readAdmissionConfiguration('')).plugins, []);
});

test('AdmissionConfiguration errors', async () => {
  await assert.rejects(readAdmissionConfiguration(join(dir, 'missing.yaml')),
    { message: `unable to read admission control configuration from ${JSON.stringify(join(dir, 'missing.yaml'))} [open ${join(dir, 'missing.yaml')}: no such file or directory]` });
  writeFileSync(join(dir, 'bad.yaml'), 'apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugin: []\n');
  await assert.rejects(readAdmissionConfiguration(join(dir, 'bad.yaml')), { message: 'strict decoding error: unknown field "plugin"' });
});

test('ResourceQuotaConfiguration: versions, strict fields, resource required', () => {
  assert.deepEqual(parseResourceQuotaConfiguration(undefined), []);
  assert.deepEqual(parseResourceQuotaConfiguration({ apiVersion: 'resourcequota.admission.k8s.io/v1beta1', kind: 'Configuration', limitedResources: [{ apiGroup: 'x', resource: 'y', matchContains: ['a'] }] }),
    [{ apiGroup: 'x', resource: 'y', matchContains: ['a'], matchScopes: [] }]);
  assert.throws(() => parseResourceQuotaConfiguration({ apiVersion: 'apiserver.config.k8s.io/v1', kind: 'ResourceQuotaConfiguration', limitedResources: [{ matchContains: ['a'] }] }),
    { message: 'limitedResources[0].resource: Required value' });
  assert.throws(() => parseResourceQuotaConfiguration({ apiVersion: 'apiserver.config.k8s.io/v1', kind: 'ResourceQuotaConfiguration', limitedResources: [{ resource: 'a', match: [] }] }),
    { message: 'strict decoding error: unknown field "limitedResources[0].match"' });
  assert.throws(() => parseResourceQuotaConfiguration({ apiVersion: 'apiserver.config.k8s.io/v1', kind: 'Configuration' }), /no kind "Configuration" is registered for version "apiserver.config.k8s.io\/v1"/);
});
