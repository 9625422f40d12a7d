// Object validation for create and update: upstream's per-resource strategy Validate /
// ValidateUpdate. Causes carry upstream's field paths, reasons and messages; a non-empty list
// becomes a 422 Invalid.
import { validateCustomResourceDefinition, validateCustomResourceDefinitionStatusUpdate, validateCustomResourceDefinitionUpdate } from '../../apiextensions/validation/crd.js';
import { compileSchemaValidations } from '../../apiextensions/cel/crd-rules.js';
import { validateValidatingAdmissionPolicy, validateValidatingAdmissionPolicyBinding, validateWebhookConfiguration } from '../../admission/policy/validation.js';
import { validateAPIService, validateAPIServiceStatusUpdate, validateAPIServiceUpdate } from '../../aggregator/validation.js';
import { flowcontrolValidators, validateFlowcontrolStatusUpdate } from '../../flowcontrol/validation.js';
import { errors } from '../errors.js';
import type { ResourceInfo } from '../resource-info.js';
import type { KubeObject, StatusCause } from '../types.js';
import { appsValidators } from './apps.js';
import { batchValidators } from './batch.js';
import { coreValidators, eventsV1Validator } from './core.js';
import type { Obj } from './field.js';
import { groupValidators } from './groups.js';
import { eventsV1Immutable, immutableFieldValidators } from './immutable.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './metadata.js';
import { nameIsDNSSubdomain } from './names.js';
import { validatePodCreate, validatePodTemplate, validatePodTemplateUpdate, validatePodUpdate } from './pod.js';

interface Validator {
  create: (obj: Obj) => StatusCause[];
  update: (obj: Obj, old: Obj) => StatusCause[];
}

const validators: Record<string, Validator> = {
  'pods.': { create: validatePodCreate, update: validatePodUpdate },
  'podtemplates.': { create: validatePodTemplate, update: validatePodTemplateUpdate },
  'replicationcontrollers.': appsValidators.replicationcontrollers,
  'deployments.apps': appsValidators.deployments,
  'replicasets.apps': appsValidators.replicasets,
  'statefulsets.apps': appsValidators.statefulsets,
  'daemonsets.apps': appsValidators.daemonsets,
  'jobs.batch': batchValidators.jobs,
  'cronjobs.batch': batchValidators.cronjobs,
  'events.events.k8s.io': { create: eventsV1Validator.create, update: (o, old) => [...eventsV1Validator.update(o, old), ...eventsV1Immutable(o, old)] },
  'customresourcedefinitions.apiextensions.k8s.io': {
    create: o => validateCustomResourceDefinition(o as KubeObject, { celRules: compileSchemaValidations }),
    update: (o, old) => validateCustomResourceDefinitionUpdate(o as KubeObject, old as KubeObject, { celRules: compileSchemaValidations }),
  },
  'apiservices.apiregistration.k8s.io': { create: o => validateAPIService(o as KubeObject), update: (o, old) => validateAPIServiceUpdate(o as KubeObject, old as KubeObject) },
  'validatingadmissionpolicies.admissionregistration.k8s.io': withMetaUpdate(validateValidatingAdmissionPolicy),
  'validatingadmissionpolicybindings.admissionregistration.k8s.io': withMetaUpdate(validateValidatingAdmissionPolicyBinding),
  'validatingwebhookconfigurations.admissionregistration.k8s.io': withMetaUpdate(validateWebhookConfiguration),
  'mutatingwebhookconfigurations.admissionregistration.k8s.io': withMetaUpdate(validateWebhookConfiguration),
  ...Object.fromEntries(Object.entries(coreValidators).map(([resource, v]) => [`${resource}.`, v])),
  ...groupValidators,
  ...flowcontrolValidators,
};

/** A validator whose update check is its create check plus the metadata update rules. */
function withMetaUpdate(create: (o: Obj) => StatusCause[]): Validator {
  return { create, update: (o, old) => [...create(o), ...validateObjectMetaUpdate(o['metadata'], old['metadata'])] };
}

function genericValidator(info: ResourceInfo): Validator {
  const rules = { namespaced: info.namespaced, nameFn: nameIsDNSSubdomain };
  return {
    create: o => validateObjectMeta(o['metadata'], rules),
    update: (o, old) => validateObjectMetaUpdate(o['metadata'], old['metadata']),
  };
}

function validatorFor(info: ResourceInfo): Validator {
  const key = `${info.resource}.${info.group}`;
  const v = validators[key] ?? genericValidator(info);
  const update = Object.prototype.hasOwnProperty.call(immutableFieldValidators, key) ? immutableFieldValidators[key] : undefined;
  return update ? { create: v.create, update } : v;
}

export function validateCreate(info: ResourceInfo, obj: KubeObject): StatusCause[] {
  return info.custom ? info.custom.validateCreate(obj) : validatorFor(info).create(obj as Obj);
}

export function validateUpdate(info: ResourceInfo, obj: KubeObject, old: KubeObject): StatusCause[] {
  return info.custom ? info.custom.validateUpdate(obj, old) : validatorFor(info).update(obj as Obj, old as Obj);
}

/** A write through the status subresource: the resource's status validation where upstream has its own. */
export function validateStatusUpdate(info: ResourceInfo, obj: KubeObject, old: KubeObject): StatusCause[] {
  if (info.custom) return info.custom.validateStatusUpdate(obj, old);
  if (info.group === 'apiextensions.k8s.io' && info.resource === 'customresourcedefinitions') return validateCustomResourceDefinitionStatusUpdate(obj, old);
  if (info.group === 'apiregistration.k8s.io' && info.resource === 'apiservices') return validateAPIServiceStatusUpdate(obj, old);
  if (info.group === 'flowcontrol.apiserver.k8s.io') return validateFlowcontrolStatusUpdate(obj as Obj);
  return validateUpdate(info, obj, old);
}

/** Throws errors.invalid(...) when causes is non-empty. */
export function assertValid(info: ResourceInfo, obj: KubeObject, causes: StatusCause[]): void {
  if (causes.length === 0) return;
  throw errors.invalid(info.group, info.kind, obj.metadata.name ?? '', causes);
}
