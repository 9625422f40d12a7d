// Workload defaults: apps/v1 (deployments, replicasets, statefulsets, daemonsets), batch/v1
// (jobs, cronjobs) and core/v1 replicationcontrollers and podtemplates.
import { defaultClaimSpec, defaultPodTemplate } from './pod.js';
import { child, def, isObj, items, opt, type Obj } from './util.js';

const isUnset = (v: unknown) => v === undefined || v === null;

export function defaultDeployment(d: Obj): void {
  const spec = child(d, 'spec');
  if (isUnset(spec['replicas'])) spec['replicas'] = 1;
  const strategy = child(spec, 'strategy');
  def(strategy, 'type', 'RollingUpdate');
  if (strategy['type'] === 'RollingUpdate') {
    const ru = child(strategy, 'rollingUpdate');
    if (isUnset(ru['maxUnavailable'])) ru['maxUnavailable'] = '25%';
    if (isUnset(ru['maxSurge'])) ru['maxSurge'] = '25%';
  }
  if (isUnset(spec['revisionHistoryLimit'])) spec['revisionHistoryLimit'] = 10;
  if (isUnset(spec['progressDeadlineSeconds'])) spec['progressDeadlineSeconds'] = 600;
  defaultPodTemplate(opt(spec, 'template'));
}

export function defaultReplicaSet(rs: Obj): void {
  const spec = child(rs, 'spec');
  if (isUnset(spec['replicas'])) spec['replicas'] = 1;
  defaultPodTemplate(opt(spec, 'template'));
}

export function defaultStatefulSet(ss: Obj): void {
  const spec = child(ss, 'spec');
  def(spec, 'podManagementPolicy', 'OrderedReady');
  const strategy = child(spec, 'updateStrategy');
  if (isUnset(strategy['type']) || strategy['type'] === '') {
    strategy['type'] = 'RollingUpdate';
    child(strategy, 'rollingUpdate');
  }
  const ru = opt(strategy, 'rollingUpdate');
  if (strategy['type'] === 'RollingUpdate' && ru && isUnset(ru['partition'])) ru['partition'] = 0;
  const retention = child(spec, 'persistentVolumeClaimRetentionPolicy');
  def(retention, 'whenDeleted', 'Retain');
  def(retention, 'whenScaled', 'Retain');
  if (isUnset(spec['replicas'])) spec['replicas'] = 1;
  if (isUnset(spec['revisionHistoryLimit'])) spec['revisionHistoryLimit'] = 10;
  defaultPodTemplate(opt(spec, 'template'));
  for (const claim of items(spec, 'volumeClaimTemplates')) {
    // The apps/v1 conversion names the embedded claims' type.
    claim['apiVersion'] = 'v1';
    claim['kind'] = 'PersistentVolumeClaim';
    defaultClaimSpec(child(claim, 'spec'));
    def(child(claim, 'status'), 'phase', 'Pending');
  }
}

export function defaultDaemonSet(ds: Obj): void {
  const spec = child(ds, 'spec');
  const strategy = child(spec, 'updateStrategy');
  def(strategy, 'type', 'RollingUpdate');
  if (strategy['type'] === 'RollingUpdate') {
    const ru = child(strategy, 'rollingUpdate');
    if (isUnset(ru['maxUnavailable'])) ru['maxUnavailable'] = 1;
    if (isUnset(ru['maxSurge'])) ru['maxSurge'] = 0;
  }
  if (isUnset(spec['revisionHistoryLimit'])) spec['revisionHistoryLimit'] = 10;
  defaultPodTemplate(opt(spec, 'template'));
}

/**
 * The job strategy's generateSelector: pods get job-name and controller-uid labels (legacy and
 * batch.kubernetes.io/ forms) and the selector matches the uid. Runs at create only.
 */
export function generateJobSelector(job: Obj): void {
  const spec = child(job, 'spec');
  if (spec['manualSelector'] === true) return;
  const meta = child(job, 'metadata');
  const name = typeof meta['name'] === 'string' ? meta['name'] : '';
  const uid = typeof meta['uid'] === 'string' ? meta['uid'] : '';
  const labels = child(child(child(spec, 'template'), 'metadata'), 'labels');
  for (const key of ['job-name', 'batch.kubernetes.io/job-name']) if (labels[key] === undefined) labels[key] = name;
  for (const key of ['controller-uid', 'batch.kubernetes.io/controller-uid']) if (labels[key] === undefined) labels[key] = uid;
  const matchLabels = child(child(spec, 'selector'), 'matchLabels');
  if (matchLabels['batch.kubernetes.io/controller-uid'] === undefined) matchLabels['batch.kubernetes.io/controller-uid'] = uid;
}

export function defaultJob(job: Obj): void {
  const spec = child(job, 'spec');
  if (isUnset(spec['completions']) && isUnset(spec['parallelism'])) {
    spec['completions'] = 1;
    spec['parallelism'] = 1;
  }
  if (isUnset(spec['parallelism'])) spec['parallelism'] = 1;
  if (isUnset(spec['backoffLimit'])) spec['backoffLimit'] = isUnset(spec['backoffLimitPerIndex']) ? 6 : 2147483647;
  const meta = child(job, 'metadata');
  const templateLabels = opt(opt(opt(spec, 'template'), 'metadata'), 'labels');
  const labels = opt(meta, 'labels');
  if (templateLabels && (!labels || Object.keys(labels).length === 0)) meta['labels'] = { ...templateLabels };
  def(spec, 'completionMode', 'NonIndexed');
  if (isUnset(spec['suspend'])) spec['suspend'] = false;
  if (isUnset(spec['manualSelector'])) spec['manualSelector'] = false;
  const failurePolicy = opt(spec, 'podFailurePolicy');
  for (const rule of items(failurePolicy, 'rules')) {
    for (const pattern of items(rule, 'onPodConditions')) def(pattern, 'status', 'True');
  }
  def(spec, 'podReplacementPolicy', failurePolicy ? 'Failed' : 'TerminatingOrFailed');
  defaultPodTemplate(opt(spec, 'template'));
}

export function defaultCronJob(cj: Obj): void {
  const spec = child(cj, 'spec');
  def(spec, 'concurrencyPolicy', 'Allow');
  if (isUnset(spec['suspend'])) spec['suspend'] = false;
  if (isUnset(spec['successfulJobsHistoryLimit'])) spec['successfulJobsHistoryLimit'] = 3;
  if (isUnset(spec['failedJobsHistoryLimit'])) spec['failedJobsHistoryLimit'] = 1;
  defaultPodTemplate(opt(opt(opt(spec, 'jobTemplate'), 'spec'), 'template'));
}

export function defaultReplicationController(rc: Obj): void {
  const spec = child(rc, 'spec');
  const template = opt(spec, 'template');
  const templateLabels = opt(opt(template, 'metadata'), 'labels');
  if (templateLabels) {
    const selector = opt(spec, 'selector');
    if (!selector || Object.keys(selector).length === 0) spec['selector'] = { ...templateLabels };
    const meta = child(rc, 'metadata');
    const labels = opt(meta, 'labels');
    if (!labels || Object.keys(labels).length === 0) meta['labels'] = { ...templateLabels };
  }
  if (isUnset(spec['replicas'])) spec['replicas'] = 1;
  defaultPodTemplate(template);
}

export function defaultPodTemplateObject(pt: Obj): void {
  const template = pt['template'];
  if (isObj(template)) defaultPodTemplate(template);
}
