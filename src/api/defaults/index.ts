// Upstream's defaulting (SetDefaults_* of pkg/apis/*/v1 and the generated defaulters), applied
// in place to a decoded object before admission and validation.
import { defaultCustomResourceDefinition } from '../../apiextensions/defaults.js';
import { defaultAPIService } from '../../aggregator/validation.js';
import { defaultFlowSchema, defaultPriorityLevelConfiguration } from '../../flowcontrol/defaults.js';
import type { ResourceInfo } from '../resource-info.js';
import type { KubeObject } from '../types.js';
import {
  defaultEndpoints, defaultLimitRange, defaultNamespace, defaultNode, defaultPersistentVolume,
  defaultPersistentVolumeClaim, defaultResourceQuota, defaultSecret, defaultService, finalizeNewNamespace,
} from './core.js';
import {
  defaultCSIDriver, defaultEndpointSlice, defaultHorizontalPodAutoscaler, defaultIngressClass, defaultNetworkPolicy,
  defaultPriorityClass, defaultRoleBinding, defaultStorageClass, defaultValidatingAdmissionPolicy, defaultValidatingAdmissionPolicyBinding, defaultWebhookConfiguration,
} from './groups.js';
import { defaultPod } from './pod.js';
import type { Obj } from './util.js';
import {
  defaultCronJob, defaultDaemonSet, defaultDeployment, defaultJob, defaultPodTemplateObject, defaultReplicaSet,
  defaultReplicationController, defaultStatefulSet, generateJobSelector,
} from './workloads.js';

type Defaulter = (obj: Obj, info: ResourceInfo) => void;

const defaulters: Record<string, Defaulter> = {
  'pods.': defaultPod,
  'podtemplates.': defaultPodTemplateObject,
  'replicationcontrollers.': defaultReplicationController,
  'services.': defaultService,
  'secrets.': defaultSecret,
  'namespaces.': defaultNamespace,
  'persistentvolumeclaims.': defaultPersistentVolumeClaim,
  'persistentvolumes.': defaultPersistentVolume,
  'endpoints.': defaultEndpoints,
  'nodes.': defaultNode,
  'limitranges.': defaultLimitRange,
  'resourcequotas.': defaultResourceQuota,
  'deployments.apps': defaultDeployment,
  'replicasets.apps': defaultReplicaSet,
  'statefulsets.apps': defaultStatefulSet,
  'daemonsets.apps': defaultDaemonSet,
  'jobs.batch': defaultJob,
  'cronjobs.batch': defaultCronJob,
  'rolebindings.rbac.authorization.k8s.io': defaultRoleBinding,
  'clusterrolebindings.rbac.authorization.k8s.io': defaultRoleBinding,
  'networkpolicies.networking.k8s.io': defaultNetworkPolicy,
  'ingressclasses.networking.k8s.io': defaultIngressClass,
  'endpointslices.discovery.k8s.io': defaultEndpointSlice,
  'storageclasses.storage.k8s.io': defaultStorageClass,
  'csidrivers.storage.k8s.io': defaultCSIDriver,
  'priorityclasses.scheduling.k8s.io': defaultPriorityClass,
  'validatingwebhookconfigurations.admissionregistration.k8s.io': o => defaultWebhookConfiguration(o, false),
  'mutatingwebhookconfigurations.admissionregistration.k8s.io': o => defaultWebhookConfiguration(o, true),
  'validatingadmissionpolicies.admissionregistration.k8s.io': defaultValidatingAdmissionPolicy,
  'validatingadmissionpolicybindings.admissionregistration.k8s.io': defaultValidatingAdmissionPolicyBinding,
  'horizontalpodautoscalers.autoscaling': (o, info) => defaultHorizontalPodAutoscaler(o, info.version),
  'customresourcedefinitions.apiextensions.k8s.io': o => defaultCustomResourceDefinition(o as KubeObject),
  'apiservices.apiregistration.k8s.io': o => defaultAPIService(o as KubeObject),
  'flowschemas.flowcontrol.apiserver.k8s.io': defaultFlowSchema,
  'prioritylevelconfigurations.flowcontrol.apiserver.k8s.io': defaultPriorityLevelConfiguration,
};

/** What the resource strategies do at create only (PrepareForCreate), before defaulting. */
const createOnly: Record<string, (obj: Obj) => void> = {
  'jobs.batch': generateJobSelector,
  'namespaces.': finalizeNewNamespace,
};

/**
 * Applies upstream's defaults to `obj` in place. Pass `old` (the stored object) on update:
 * without it the create-time steps also run (the job selector generated from metadata.uid, the
 * namespace "kubernetes" finalizer), so call it after uid and name are set.
 */
export function applyDefaults(info: ResourceInfo, obj: KubeObject, old?: KubeObject): void {
  if (info.custom) return info.custom.applyDefaults(obj);
  const key = `${info.resource}.${info.group}`;
  const target = obj as Obj;
  if (old === undefined) createOnly[key]?.(target);
  defaulters[key]?.(target, info);
}
