// apps/v1 workloads (pkg/apis/apps/validation) and core/v1 ReplicationControllers.
import { type Causes, fe, GoText, goLabelSelector, goStringMap, num, obj, path, str, strMap, type Obj } from './field.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './metadata.js';
import { nameIsDNSLabel, nameIsDNSSubdomain, regexError } from './names.js';
import { validatePodTemplateSpec } from './pod-spec.js';
import { sorted } from './pod.js';
import { selectorIsEmpty, selectorMatches, validateLabelSelector } from './selectors.js';

const nonNegative = (v: unknown, field: string): Causes => {
  const n = num(v);
  return n !== undefined && n < 0 ? [fe.invalid(field, n, 'must be greater than or equal to 0')] : [];
};

/** The %#v upstream prints for an intstr.IntOrString value. */
function goIntOrString(v: unknown): GoText {
  return typeof v === 'string'
    ? new GoText(`intstr.IntOrString{Type:1, IntVal:0, StrVal:${JSON.stringify(v)}}`)
    : new GoText(`intstr.IntOrString{Type:0, IntVal:${Number(v ?? 0)}, StrVal:""}`);
}

function positiveIntOrPercent(v: unknown, field: string): Causes {
  if (typeof v === 'string') {
    return /^[0-9]+%$/.test(v) ? [] : [fe.invalid(field, goIntOrString(v), regexError("a valid percent string must be a numeric string followed by an ending '%'", '[0-9]+%', '1%', '93%'))];
  }
  return nonNegative(v, field);
}

const intOrPercentValue = (v: unknown) => (typeof v === 'string' ? Number.parseInt(v, 10) || 0 : Number(v ?? 0));

function notMoreThan100Percent(v: unknown, field: string): Causes {
  return typeof v === 'string' && /^[0-9]+%$/.test(v) && Number.parseInt(v, 10) > 100 ? [fe.invalid(field, goIntOrString(v), 'must not be greater than 100%')] : [];
}

/** Selector rules shared by the controllers: required, valid, non-empty. */
function validateSelector(spec: Obj, field: string, what: string): Causes {
  const selector = spec['selector'];
  if (!obj(selector)) return [fe.required(path.child(field, 'selector'))];
  const out = validateLabelSelector(selector, path.child(field, 'selector'));
  if (selectorIsEmpty(selector)) out.push(fe.invalid(path.child(field, 'selector'), goLabelSelector(selector), `empty selector is invalid for ${what}`));
  return out;
}

/** ValidatePodTemplateSpecForReplicaSet and its kin: labels match, restartPolicy Always. */
function validateControllerTemplate(spec: Obj, field: string, kind: string, matches: (labels: unknown) => boolean | undefined): Causes {
  const template = obj(spec['template']);
  const tp = path.child(field, 'template');
  if (!template) return [fe.required(tp)];
  const out: Causes = [];
  const labels = obj(template['metadata'])?.['labels'];
  if (matches(labels) === false) out.push(fe.invalid(path.child(tp, 'metadata', 'labels'), goStringMap(labels), '`selector` does not match template `labels`'));
  out.push(...validatePodTemplateSpec(template, tp));
  const podSpec = obj(template['spec']) ?? {};
  const restart = str(podSpec['restartPolicy']);
  if (restart !== 'Always') out.push(fe.notSupported(path.child(tp, 'spec', 'restartPolicy'), restart, ['Always']));
  if (podSpec['activeDeadlineSeconds'] !== undefined) out.push(fe.forbidden(path.child(tp, 'spec', 'activeDeadlineSeconds'), `activeDeadlineSeconds in ${kind} is not Supported`));
  return out;
}

const selectorCheck = (spec: Obj) => (labels: unknown) =>
  (obj(spec['selector']) && !selectorIsEmpty(spec['selector']) ? selectorMatches(spec['selector'], labels) : undefined);

function validateDeploymentSpec(spec: Obj, field: string): Causes {
  const out = [...nonNegative(spec['replicas'], path.child(field, 'replicas')), ...validateSelector(spec, field, 'deployment')];
  out.push(...validateControllerTemplate(spec, field, 'ReplicaSet', selectorCheck(spec)));
  const strategy = obj(spec['strategy']) ?? {};
  const sp = path.child(field, 'strategy');
  const type = str(strategy['type']);
  if (type === 'Recreate') {
    if (obj(strategy['rollingUpdate'])) out.push(fe.forbidden(path.child(sp, 'rollingUpdate'), "may not be specified when strategy `type` is 'Recreate'"));
  } else if (type === 'RollingUpdate') {
    const ru = obj(strategy['rollingUpdate']);
    if (!ru) out.push(fe.required(path.child(sp, 'rollingUpdate'), 'this should be defaulted and never be nil'));
    else {
      const rp = path.child(sp, 'rollingUpdate');
      out.push(...positiveIntOrPercent(ru['maxUnavailable'], path.child(rp, 'maxUnavailable')));
      out.push(...positiveIntOrPercent(ru['maxSurge'], path.child(rp, 'maxSurge')));
      if (intOrPercentValue(ru['maxUnavailable']) === 0 && intOrPercentValue(ru['maxSurge']) === 0) {
        out.push(fe.invalid(path.child(rp, 'maxUnavailable'), goIntOrString(ru['maxUnavailable']), 'may not be 0 when `maxSurge` is 0'));
      }
      out.push(...notMoreThan100Percent(ru['maxUnavailable'], path.child(rp, 'maxUnavailable')));
    }
  } else {
    out.push(fe.notSupported(sp, strategy, ['Recreate', 'RollingUpdate']));
  }
  out.push(...nonNegative(spec['minReadySeconds'], path.child(field, 'minReadySeconds')));
  out.push(...nonNegative(spec['revisionHistoryLimit'], path.child(field, 'revisionHistoryLimit')));
  const deadline = num(spec['progressDeadlineSeconds']);
  if (deadline !== undefined) {
    out.push(...nonNegative(deadline, path.child(field, 'progressDeadlineSeconds')));
    if (deadline <= (num(spec['minReadySeconds']) ?? 0)) out.push(fe.invalid(path.child(field, 'progressDeadlineSeconds'), deadline, 'must be greater than minReadySeconds'));
  }
  return out;
}

function validateReplicaSetSpec(spec: Obj, field: string): Causes {
  return [
    ...nonNegative(spec['replicas'], path.child(field, 'replicas')),
    ...nonNegative(spec['minReadySeconds'], path.child(field, 'minReadySeconds')),
    ...validateSelector(spec, field, 'deployment'),
    ...validateControllerTemplate(spec, field, 'ReplicaSet', selectorCheck(spec)),
  ];
}

function validateStatefulSetSpec(spec: Obj, field: string): Causes {
  const out: Causes = [];
  const pmp = str(spec['podManagementPolicy']);
  if (pmp === '') out.push(fe.required(path.child(field, 'podManagementPolicy')));
  else if (pmp !== 'OrderedReady' && pmp !== 'Parallel') out.push(fe.invalid(path.child(field, 'podManagementPolicy'), pmp, "must be 'OrderedReady' or 'Parallel'"));
  const strategy = obj(spec['updateStrategy']) ?? {};
  const sp = path.child(field, 'updateStrategy');
  const type = str(strategy['type']);
  if (type === '') out.push(fe.required(sp));
  else if (type === 'OnDelete') {
    if (obj(strategy['rollingUpdate'])) out.push(fe.invalid(path.child(sp, 'rollingUpdate'), strategy['rollingUpdate'], "only allowed for updateStrategy 'RollingUpdate'"));
  } else if (type === 'RollingUpdate') {
    out.push(...nonNegative(obj(strategy['rollingUpdate'])?.['partition'], path.child(sp, 'rollingUpdate', 'partition')));
  } else {
    out.push(fe.invalid(sp, strategy, "must be 'RollingUpdate' or 'OnDelete'"));
  }
  const retention = obj(spec['persistentVolumeClaimRetentionPolicy']);
  if (retention) {
    for (const key of ['whenDeleted', 'whenScaled']) {
      const v = str(retention[key]);
      if (v !== 'Retain' && v !== 'Delete') out.push(fe.notSupported(path.child(field, 'persistentVolumeClaimRetentionPolicy', key), v, ['Retain', 'Delete']));
    }
  }
  out.push(...nonNegative(spec['replicas'], path.child(field, 'replicas')));
  out.push(...nonNegative(spec['minReadySeconds'], path.child(field, 'minReadySeconds')));
  out.push(...validateSelector(spec, field, 'statefulset'));
  out.push(...validateControllerTemplate(spec, field, 'StatefulSet', selectorCheck(spec)));
  return out;
}

function validateDaemonSetSpec(spec: Obj, field: string): Causes {
  const out = [...validateSelector(spec, field, 'daemonset'), ...validateControllerTemplate(spec, field, 'DaemonSet', selectorCheck(spec))];
  out.push(...nonNegative(spec['minReadySeconds'], path.child(field, 'minReadySeconds')));
  const strategy = obj(spec['updateStrategy']) ?? {};
  const sp = path.child(field, 'updateStrategy');
  const type = str(strategy['type']);
  if (type === 'RollingUpdate') {
    const ru = obj(strategy['rollingUpdate']) ?? {};
    const rp = path.child(sp, 'rollingUpdate');
    out.push(...positiveIntOrPercent(ru['maxUnavailable'], path.child(rp, 'maxUnavailable')));
    out.push(...positiveIntOrPercent(ru['maxSurge'], path.child(rp, 'maxSurge')));
    if (intOrPercentValue(ru['maxUnavailable']) === 0 && intOrPercentValue(ru['maxSurge']) === 0) {
      out.push(fe.invalid(path.child(rp, 'maxUnavailable'), goIntOrString(ru['maxUnavailable']), 'may not be 0 when `maxSurge` is 0'));
    }
    out.push(...notMoreThan100Percent(ru['maxUnavailable'], path.child(rp, 'maxUnavailable')));
  } else if (type !== 'OnDelete') {
    out.push(fe.notSupported(path.child(sp, 'type'), type, ['OnDelete', 'RollingUpdate']));
  }
  return out;
}

function validateRCSpec(spec: Obj, field: string): Causes {
  const out = [...nonNegative(spec['replicas'], path.child(field, 'replicas')), ...nonNegative(spec['minReadySeconds'], path.child(field, 'minReadySeconds'))];
  const selector = strMap(spec['selector']);
  if (Object.keys(selector).length === 0) out.push(fe.required(path.child(field, 'selector')));
  out.push(...validateControllerTemplate(spec, field, 'ReplicationController', labels => {
    if (Object.keys(selector).length === 0) return undefined;
    const l = strMap(labels);
    return Object.entries(selector).every(([k, v]) => l[k] === v);
  }));
  return out;
}

const spec = (o: Obj) => obj(o['spec']) ?? {};
const same = (a: unknown, b: unknown) => JSON.stringify(sorted(a ?? null)) === JSON.stringify(sorted(b ?? null));

function immutableSelector(o: Obj, old: Obj): Causes {
  const s = spec(o)['selector'];
  return same(s, spec(old)['selector']) ? [] : [fe.invalid('spec.selector', goLabelSelector(s), 'field is immutable')];
}

const subdomain = { namespaced: true, nameFn: nameIsDNSSubdomain };

export const appsValidators = {
  deployments: {
    create: (o: Obj) => [...validateObjectMeta(o['metadata'], subdomain), ...validateDeploymentSpec(spec(o), 'spec')],
    update: (o: Obj, old: Obj) => [...validateObjectMetaUpdate(o['metadata'], old['metadata']), ...validateDeploymentSpec(spec(o), 'spec'), ...immutableSelector(o, old)],
  },
  replicasets: {
    create: (o: Obj) => [...validateObjectMeta(o['metadata'], subdomain), ...validateReplicaSetSpec(spec(o), 'spec')],
    update: (o: Obj, old: Obj) => [...validateObjectMetaUpdate(o['metadata'], old['metadata']), ...validateReplicaSetSpec(spec(o), 'spec'), ...immutableSelector(o, old)],
  },
  statefulsets: {
    create: (o: Obj) => [...validateObjectMeta(o['metadata'], { namespaced: true, nameFn: nameIsDNSLabel }), ...validateStatefulSetSpec(spec(o), 'spec')],
    update: (o: Obj, old: Obj) => {
      const out = [...validateObjectMetaUpdate(o['metadata'], old['metadata']), ...validateStatefulSetSpec(spec(o), 'spec')];
      const mutable = ['replicas', 'template', 'updateStrategy', 'minReadySeconds', 'ordinals', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy'];
      const strip = (s: Obj) => Object.fromEntries(Object.entries(s).filter(([k]) => !mutable.includes(k)));
      if (!same(strip(spec(o)), strip(spec(old)))) {
        out.push(fe.forbidden('spec', "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"));
      }
      return out;
    },
  },
  daemonsets: {
    create: (o: Obj) => [...validateObjectMeta(o['metadata'], subdomain), ...validateDaemonSetSpec(spec(o), 'spec')],
    update: (o: Obj, old: Obj) => [...validateObjectMetaUpdate(o['metadata'], old['metadata']), ...validateDaemonSetSpec(spec(o), 'spec'), ...immutableSelector(o, old)],
  },
  replicationcontrollers: {
    create: (o: Obj) => [...validateObjectMeta(o['metadata'], subdomain), ...validateRCSpec(spec(o), 'spec')],
    update: (o: Obj, old: Obj) => [...validateObjectMetaUpdate(o['metadata'], old['metadata']), ...validateRCSpec(spec(o), 'spec')],
  },
};
