// batch/v1 Jobs and CronJobs (pkg/apis/batch/validation).
import { cronScheduleError, timeZoneError } from './cron.js';
import { type Causes, fe, goLabelSelector, goStringMap, num, obj, path, str, strMap, type Obj } from './field.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './metadata.js';
import { isDNS1123Label, nameIsDNSSubdomain } from './names.js';
import { validatePodTemplateSpec } from './pod-spec.js';
import { sorted } from './pod.js';
import { selectorMatches, validateLabelSelector } from './selectors.js';

const nonNegative = (v: unknown, field: string): Causes => {
  const n = num(v);
  return n !== undefined && n < 0 ? [fe.invalid(field, n, 'must be greater than or equal to 0')] : [];
};

const MAX_PARALLELISM_INDEXED = 100000;

/** validateJobSpec: everything but the selector. */
function validateJobSpecCommon(spec: Obj, field: string): Causes {
  const out: Causes = [];
  for (const key of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished', 'backoffLimitPerIndex', 'maxFailedIndexes']) {
    out.push(...nonNegative(spec[key], path.child(field, key)));
  }
  const mode = spec['completionMode'];
  if (mode !== undefined) {
    if (mode !== 'NonIndexed' && mode !== 'Indexed') out.push(fe.notSupported(path.child(field, 'completionMode'), mode, ['NonIndexed', 'Indexed']));
    if (mode === 'Indexed') {
      if (spec['completions'] === undefined) out.push(fe.required(path.child(field, 'completions'), 'when completion mode is Indexed'));
      const parallelism = num(spec['parallelism']);
      if (parallelism !== undefined && parallelism > MAX_PARALLELISM_INDEXED) {
        out.push(fe.invalid(path.child(field, 'parallelism'), parallelism, `must be less than or equal to ${MAX_PARALLELISM_INDEXED} when completion mode is Indexed`));
      }
    }
  }
  const replacement = spec['podReplacementPolicy'];
  if (replacement !== undefined && replacement !== 'TerminatingOrFailed' && replacement !== 'Failed') {
    out.push(fe.notSupported(path.child(field, 'podReplacementPolicy'), replacement, ['Failed', 'TerminatingOrFailed']));
  }
  const tp = path.child(field, 'template');
  out.push(...validatePodTemplateSpec(spec['template'], tp));
  const restart = str(obj(obj(spec['template'])?.['spec'])?.['restartPolicy']);
  if (restart === 'Always' || restart === '') {
    out.push(fe.required(path.child(tp, 'spec', 'restartPolicy'), 'valid values: "OnFailure", "Never"'));
  } else if (restart !== 'OnFailure' && restart !== 'Never') {
    out.push(fe.notSupported(path.child(tp, 'spec', 'restartPolicy'), restart, ['OnFailure', 'Never']));
  } else if (obj(spec['podFailurePolicy']) && restart !== 'Never') {
    out.push(fe.invalid(path.child(tp, 'spec', 'restartPolicy'), restart, 'only "Never" is supported when podFailurePolicy is specified'));
  }
  return out;
}

/** ValidateJobSpec: the common checks plus the selector. */
function validateJobSpec(spec: Obj, field: string): Causes {
  const out = validateJobSpecCommon(spec, field);
  const selector = obj(spec['selector']);
  if (!selector) out.push(fe.required(path.child(field, 'selector')));
  else {
    out.push(...validateLabelSelector(selector, path.child(field, 'selector')));
    const labels = obj(obj(spec['template'])?.['metadata'])?.['labels'];
    if (!selectorMatches(selector, labels)) out.push(fe.invalid(path.child(field, 'template', 'metadata', 'labels'), goStringMap(labels), '`selector` does not match template `labels`'));
  }
  return out;
}

/** validateGeneratedSelector: the labels the strategy added must still be there. */
function validateGeneratedSelector(job: Obj): Causes {
  const spec = obj(job['spec']) ?? {};
  if (spec['manualSelector'] === true) return [];
  const template = obj(spec['template']) ?? {};
  const labels = strMap(obj(template['metadata'])?.['labels']);
  if (!obj(obj(template['metadata'])?.['labels'])) return [fe.required('spec.template.labels')];
  const meta = obj(job['metadata']) ?? {};
  const out: Causes = [];
  const expect: Array<[string, string]> = [
    ['controller-uid', str(meta['uid'])], ['job-name', str(meta['name'])],
    ['batch.kubernetes.io/controller-uid', str(meta['uid'])], ['batch.kubernetes.io/job-name', str(meta['name'])],
  ];
  for (const [key, value] of expect) {
    const field = path.key('spec.template.metadata.labels', key);
    if (labels[key] === undefined) out.push(fe.required(field, `must be '${value}'`));
    else if (labels[key] !== value) out.push(fe.invalid(field, goStringMap(labels), `must be '${value}'`));
  }
  return out;
}

function validateJob(job: Obj): Causes {
  const spec = obj(job['spec']) ?? {};
  const out = [...validateObjectMeta(job['metadata'], { namespaced: true, nameFn: nameIsDNSSubdomain }), ...validateGeneratedSelector(job), ...validateJobSpec(spec, 'spec')];
  const completions = num(spec['completions']);
  if (spec['completionMode'] === 'Indexed' && completions !== undefined && completions > 0) {
    const name = str(obj(job['metadata'])?.['name']);
    const hostname = `${name}-${completions - 1}`;
    if (isDNS1123Label(hostname).length > 0) out.push(fe.invalid('metadata.name', name, `will not able to create pod with invalid DNS label: ${hostname}`));
  }
  return out;
}

const same = (a: unknown, b: unknown) => JSON.stringify(sorted(a ?? null)) === JSON.stringify(sorted(b ?? null));

function validateJobUpdate(job: Obj, old: Obj): Causes {
  const spec = obj(job['spec']) ?? {};
  const oldSpec = obj(old['spec']) ?? {};
  const out = [...validateJob(job), ...validateObjectMetaUpdate(job['metadata'], old['metadata'])];
  if (!same(spec['selector'], oldSpec['selector'])) out.push(fe.invalid('spec.selector', goLabelSelector(spec['selector']), 'field is immutable'));
  // A suspended job that never started may still change its scheduling directives.
  const mutableScheduling = oldSpec['suspend'] === true && obj(old['status'])?.['startTime'] === undefined;
  const template = structuredClone(obj(spec['template']) ?? {});
  const oldTemplate = structuredClone(obj(oldSpec['template']) ?? {});
  if (mutableScheduling) {
    for (const t of [template, oldTemplate]) {
      const ps = obj(t['spec']);
      if (ps) for (const key of ['nodeSelector', 'tolerations', 'affinity', 'schedulingGates']) delete ps[key];
      const m = obj(t['metadata']);
      if (m) { delete m['labels']; delete m['annotations']; }
    }
  }
  if (!same(template, oldTemplate)) out.push(fe.invalid('spec.template', spec['template'], 'field is immutable'));
  for (const key of ['completionMode', 'podFailurePolicy', 'backoffLimitPerIndex', 'managedBy', 'successPolicy']) {
    if (!same(spec[key], oldSpec[key])) out.push(fe.invalid(path.child('spec', key), spec[key], 'field is immutable'));
  }
  if (!same(spec['completions'], oldSpec['completions']) && spec['completionMode'] !== 'Indexed') {
    out.push(fe.invalid('spec.completions', spec['completions'], 'field is immutable'));
  }
  return out;
}

const CONCURRENCY = ['Allow', 'Forbid', 'Replace'];

function validateCronJobSpec(spec: Obj, oldSpec: Obj | undefined): Causes {
  const out: Causes = [];
  const schedule = str(spec['schedule']);
  if (schedule === '') out.push(fe.required('spec.schedule'));
  else {
    const err = cronScheduleError(schedule);
    if (err) out.push(fe.invalid('spec.schedule', schedule, err));
    const allowTZ = str(oldSpec?.['schedule']).includes('TZ');
    if (allowTZ && schedule.includes('TZ') && spec['timeZone'] !== undefined) out.push(fe.invalid('spec.schedule', schedule, 'cannot use both timeZone field and TZ or CRON_TZ in schedule'));
    else if (!allowTZ && schedule.includes('TZ')) out.push(fe.invalid('spec.schedule', schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
  }
  out.push(...nonNegative(spec['startingDeadlineSeconds'], 'spec.startingDeadlineSeconds'));
  const tz = spec['timeZone'];
  if (tz !== undefined && (oldSpec === undefined || oldSpec['timeZone'] !== tz)) {
    const zone = str(tz);
    if (zone === '') out.push(fe.invalid('spec.timeZone', zone, 'timeZone must be nil or non-empty string'));
    else if (zone.split('/').some(p => p === '.' || p === '..' || p.startsWith('-') || !/^[A-Za-z\.\-_0-9+]{1,14}$/.test(p))) out.push(fe.invalid('spec.timeZone', zone, `unknown time zone ${zone}`));
    else if (zone.toLowerCase() === 'local') out.push(fe.invalid('spec.timeZone', zone, 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones'));
    else {
      const err = timeZoneError(zone);
      if (err) out.push(fe.invalid('spec.timeZone', zone, err));
    }
  }
  const policy = str(spec['concurrencyPolicy']);
  if (policy === '') out.push(fe.required('spec.concurrencyPolicy'));
  else if (!CONCURRENCY.includes(policy)) out.push(fe.notSupported('spec.concurrencyPolicy', policy, CONCURRENCY));
  const jobSpec = obj(obj(spec['jobTemplate'])?.['spec']) ?? {};
  out.push(...validateJobSpecCommon(jobSpec, 'spec.jobTemplate.spec'));
  if (obj(jobSpec['selector'])) out.push(fe.invalid('spec.jobTemplate.spec.selector', goLabelSelector(jobSpec['selector']), '`selector` will be auto-generated'));
  if (jobSpec['manualSelector'] === true) out.push(fe.notSupported('spec.jobTemplate.spec.manualSelector', true, ['nil', 'false']));
  out.push(...nonNegative(spec['successfulJobsHistoryLimit'], 'spec.successfulJobsHistoryLimit'));
  out.push(...nonNegative(spec['failedJobsHistoryLimit'], 'spec.failedJobsHistoryLimit'));
  return out;
}

export const batchValidators = {
  jobs: { create: validateJob, update: validateJobUpdate },
  cronjobs: {
    create: (cj: Obj): Causes => {
      const out = [...validateObjectMeta(cj['metadata'], { namespaced: true, nameFn: nameIsDNSSubdomain }), ...validateCronJobSpec(obj(cj['spec']) ?? {}, undefined)];
      const name = str(obj(cj['metadata'])?.['name']);
      if (name.length > 52) out.push(fe.invalid('metadata.name', name, 'must be no more than 52 characters'));
      return out;
    },
    update: (cj: Obj, old: Obj): Causes => [
      ...validateObjectMetaUpdate(cj['metadata'], old['metadata']),
      ...validateCronJobSpec(obj(cj['spec']) ?? {}, obj(old['spec']) ?? {}),
    ],
  },
};
