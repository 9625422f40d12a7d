// Upstream's bootstrap RBAC policy for v1.32 (plugin/pkg/auth/authorizer/rbac/bootstrappolicy:
// policy.go, controller_policy.go, namespace_policy.go; checked against their testdata/*.yaml),
// in a compact notation: r(verbs, apiGroups, resources, resourceNames), comma-separated, where
// '' is the core group. Feature-gated roles that are off by default in 1.32 are left out.
import type { KubeObject } from '../api/types.js';
import type { PolicyRule } from './types.js';
import type { Subject } from './rbac-rules.js';

const list = (s: string) => s.split(',');
const r = (verbs: string, groups: string, resources: string, names?: string): PolicyRule =>
  ({ apiGroups: list(groups), resources: list(resources), verbs: list(verbs), ...(names ? { resourceNames: list(names) } : {}) });
const url = (verbs: string, urls: string): PolicyRule => ({ nonResourceURLs: list(urls), verbs: list(verbs) });

const rbacGroup = 'rbac.authorization.k8s.io';
export const autoUpdateAnnotation = 'rbac.authorization.kubernetes.io/autoupdate';
const defaultLabels = { 'kubernetes.io/bootstrapping': 'rbac-defaults' };

const read = 'get,list,watch';
const write = 'create,delete,deletecollection,patch,update';
const readWrite = 'create,delete,deletecollection,get,list,patch,update,watch';
const eventsRule = r('create,patch,update', ',events.k8s.io', 'events');

function meta(name: string, namespace?: string, labels: Record<string, string> = {}): KubeObject['metadata'] {
  return { name, ...(namespace ? { namespace } : {}), labels: { ...defaultLabels, ...labels }, annotations: { [autoUpdateAnnotation]: 'true' } };
}

function clusterRole(name: string, rules: PolicyRule[], labels: Record<string, string> = {}, aggregateFrom?: string): KubeObject {
  const o: KubeObject = { apiVersion: `${rbacGroup}/v1`, kind: 'ClusterRole', metadata: meta(name, undefined, labels), rules };
  if (aggregateFrom) o['aggregationRule'] = { clusterRoleSelectors: [{ matchLabels: { [aggregateFrom]: 'true' } }] };
  return o;
}

const user = (name: string): Subject => ({ apiGroup: rbacGroup, kind: 'User', name });
const group = (name: string): Subject => ({ apiGroup: rbacGroup, kind: 'Group', name });
const sa = (namespace: string, name: string): Subject => ({ kind: 'ServiceAccount', name, namespace });

function clusterRoleBinding(name: string, subjects: Subject[], role = name): KubeObject {
  const o: KubeObject = { apiVersion: `${rbacGroup}/v1`, kind: 'ClusterRoleBinding', metadata: meta(name), roleRef: { apiGroup: rbacGroup, kind: 'ClusterRole', name: role } };
  if (subjects.length > 0) o['subjects'] = subjects;
  return o;
}

const toAdmin = 'rbac.authorization.k8s.io/aggregate-to-admin';
const toEdit = 'rbac.authorization.k8s.io/aggregate-to-edit';
const toView = 'rbac.authorization.k8s.io/aggregate-to-view';

/** The static rules of system:node, which the Node authorizer also applies. */
export const nodeRules: PolicyRule[] = [
  r('create', 'authentication.k8s.io', 'tokenreviews'),
  r('create', 'authorization.k8s.io', 'localsubjectaccessreviews,subjectaccessreviews'),
  r(read, '', 'services'),
  r('create,get,list,watch', '', 'nodes'),
  r('patch,update', '', 'nodes/status'),
  r('patch,update', '', 'nodes'),
  r('create,patch,update', '', 'events'),
  r(read, '', 'pods'),
  r('create,delete', '', 'pods'),
  r('patch,update', '', 'pods/status'),
  r('create', '', 'pods/eviction'),
  r(read, '', 'configmaps,secrets'),
  r('get', '', 'persistentvolumeclaims,persistentvolumes'),
  r('get', '', 'endpoints'),
  r('create,get,list,watch', 'certificates.k8s.io', 'certificatesigningrequests'),
  r('create,delete,get,patch,update', 'coordination.k8s.io', 'leases'),
  r('get', 'storage.k8s.io', 'volumeattachments'),
  r('create', '', 'serviceaccounts/token'),
  r('get,patch,update', '', 'persistentvolumeclaims/status'),
  r(read, 'storage.k8s.io', 'csidrivers'),
  r('create,delete,get,patch,update', 'storage.k8s.io', 'csinodes'),
  r(read, 'node.k8s.io', 'runtimeclasses'),
];

const signerRole = (name: string, signer: string) =>
  clusterRole(`system:certificates.k8s.io:${name}`, [r('approve', 'certificates.k8s.io', 'signers', `kubernetes.io/${signer}`)]);

export const clusterRoles: KubeObject[] = [
  clusterRole('admin', [], {}, toAdmin),
  clusterRole('cluster-admin', [r('*', '*', '*'), url('*', '*')]),
  clusterRole('edit', [], { [toAdmin]: 'true' }, toEdit),
  clusterRole('system:aggregate-to-admin', [
    r('create', 'authorization.k8s.io', 'localsubjectaccessreviews'),
    r(readWrite, rbacGroup, 'rolebindings,roles'),
  ], { [toAdmin]: 'true' }),
  clusterRole('system:aggregate-to-edit', [
    r(read, '', 'pods/attach,pods/exec,pods/portforward,pods/proxy,secrets,services/proxy'),
    r('impersonate', '', 'serviceaccounts'),
    r(write, '', 'pods,pods/attach,pods/exec,pods/portforward,pods/proxy'),
    r('create', '', 'pods/eviction'),
    r(write, '', 'configmaps,events,persistentvolumeclaims,replicationcontrollers,replicationcontrollers/scale,secrets,serviceaccounts,services,services/proxy'),
    r('create', '', 'serviceaccounts/token'),
    r(write, 'apps', 'daemonsets,deployments,deployments/rollback,deployments/scale,replicasets,replicasets/scale,statefulsets,statefulsets/scale'),
    r(write, 'autoscaling', 'horizontalpodautoscalers'),
    r(write, 'batch', 'cronjobs,jobs'),
    r(write, 'extensions', 'daemonsets,deployments,deployments/rollback,deployments/scale,ingresses,networkpolicies,replicasets,replicasets/scale,replicationcontrollers/scale'),
    r(write, 'policy', 'poddisruptionbudgets'),
    r(write, 'networking.k8s.io', 'ingresses,networkpolicies'),
    r(readWrite, 'coordination.k8s.io', 'leases'),
  ], { [toEdit]: 'true' }),
  clusterRole('system:aggregate-to-view', [
    r(read, '', 'configmaps,endpoints,persistentvolumeclaims,persistentvolumeclaims/status,pods,replicationcontrollers,replicationcontrollers/scale,serviceaccounts,services,services/status'),
    r(read, '', 'bindings,events,limitranges,namespaces/status,pods/log,pods/status,replicationcontrollers/status,resourcequotas,resourcequotas/status'),
    r(read, '', 'namespaces'),
    r(read, 'discovery.k8s.io', 'endpointslices'),
    r(read, 'apps', 'controllerrevisions,daemonsets,daemonsets/status,deployments,deployments/scale,deployments/status,replicasets,replicasets/scale,replicasets/status,statefulsets,statefulsets/scale,statefulsets/status'),
    r(read, 'autoscaling', 'horizontalpodautoscalers,horizontalpodautoscalers/status'),
    r(read, 'batch', 'cronjobs,cronjobs/status,jobs,jobs/status'),
    r(read, 'extensions', 'daemonsets,daemonsets/status,deployments,deployments/scale,deployments/status,ingresses,ingresses/status,networkpolicies,replicasets,replicasets/scale,replicasets/status,replicationcontrollers/scale'),
    r(read, 'policy', 'poddisruptionbudgets,poddisruptionbudgets/status'),
    r(read, 'networking.k8s.io', 'ingresses,ingresses/status,networkpolicies'),
  ], { [toView]: 'true' }),
  clusterRole('system:auth-delegator', [r('create', 'authentication.k8s.io', 'tokenreviews'), r('create', 'authorization.k8s.io', 'subjectaccessreviews')]),
  clusterRole('system:basic-user', [
    r('create', 'authorization.k8s.io', 'selfsubjectaccessreviews,selfsubjectrulesreviews'),
    r('create', 'authentication.k8s.io', 'selfsubjectreviews'),
  ]),
  clusterRole('system:certificates.k8s.io:certificatesigningrequests:nodeclient', [r('create', 'certificates.k8s.io', 'certificatesigningrequests/nodeclient')]),
  clusterRole('system:certificates.k8s.io:certificatesigningrequests:selfnodeclient', [r('create', 'certificates.k8s.io', 'certificatesigningrequests/selfnodeclient')]),
  signerRole('kube-apiserver-client-approver', 'kube-apiserver-client'),
  signerRole('kube-apiserver-client-kubelet-approver', 'kube-apiserver-client-kubelet'),
  signerRole('kubelet-serving-approver', 'kubelet-serving'),
  signerRole('legacy-unknown-approver', 'legacy-unknown'),
  clusterRole('system:discovery', [url('get', '/api,/api/*,/apis,/apis/*,/healthz,/livez,/openapi,/openapi/*,/readyz,/version,/version/')]),
  clusterRole('system:heapster', [r(read, '', 'events,namespaces,nodes,pods'), r(read, 'extensions', 'deployments')]),
  clusterRole('system:kube-aggregator', [r(read, '', 'endpoints,services')]),
  clusterRole('system:kube-controller-manager', [
    eventsRule,
    r('create', 'coordination.k8s.io', 'leases'),
    r('get,update', 'coordination.k8s.io', 'leases', 'kube-controller-manager'),
    r('create', '', 'secrets,serviceaccounts'),
    r('delete', '', 'secrets'),
    r('get', '', 'configmaps,namespaces,secrets,serviceaccounts'),
    r('update', '', 'secrets,serviceaccounts'),
    r('create', 'authentication.k8s.io', 'tokenreviews'),
    r('create', 'authorization.k8s.io', 'subjectaccessreviews'),
    r('list,watch', '*', '*'),
    r('create', '', 'serviceaccounts/token'),
  ]),
  clusterRole('system:kube-dns', [r('list,watch', '', 'endpoints,services')]),
  clusterRole('system:kube-scheduler', [
    eventsRule,
    r('create', 'coordination.k8s.io', 'leases'),
    r('get,update', 'coordination.k8s.io', 'leases', 'kube-scheduler'),
    r(read, '', 'nodes'),
    r('delete,get,list,watch', '', 'pods'),
    r('create', '', 'bindings,pods/binding'),
    r('patch,update', '', 'pods/status'),
    r(read, '', 'replicationcontrollers,services'),
    r(read, 'apps,extensions', 'replicasets'),
    r(read, 'apps', 'statefulsets'),
    r(read, 'policy', 'poddisruptionbudgets'),
    r(read, '', 'persistentvolumeclaims,persistentvolumes'),
    r('create', 'authentication.k8s.io', 'tokenreviews'),
    r('create', 'authorization.k8s.io', 'subjectaccessreviews'),
    r(read, 'storage.k8s.io', 'csinodes'),
    r(read, '', 'namespaces'),
    r(read, 'storage.k8s.io', 'csidrivers'),
    r(read, 'storage.k8s.io', 'csistoragecapacities'),
  ]),
  clusterRole('system:kubelet-api-admin', [r(read, '', 'nodes'), r('proxy', '', 'nodes'), r('*', '', 'nodes/log,nodes/metrics,nodes/proxy,nodes/stats')]),
  clusterRole('system:monitoring', [url('get', '/healthz,/healthz/*,/livez,/livez/*,/metrics,/metrics/slis,/readyz,/readyz/*')]),
  clusterRole('system:node', nodeRules),
  clusterRole('system:node-bootstrapper', [r('create,get,list,watch', 'certificates.k8s.io', 'certificatesigningrequests')]),
  clusterRole('system:node-problem-detector', [r('get', '', 'nodes'), r('patch', '', 'nodes/status'), eventsRule]),
  clusterRole('system:node-proxier', [r('list,watch', '', 'endpoints,services'), r(read, '', 'nodes'), eventsRule, r('list,watch', 'discovery.k8s.io', 'endpointslices')]),
  clusterRole('system:persistent-volume-provisioner', [
    r('create,delete,get,list,watch', '', 'persistentvolumes'),
    r('get,list,update,watch', '', 'persistentvolumeclaims'),
    r(read, 'storage.k8s.io', 'storageclasses'),
    r('watch', '', 'events'),
    eventsRule,
  ]),
  clusterRole('system:public-info-viewer', [url('get', '/healthz,/livez,/readyz,/version,/version/')]),
  clusterRole('system:service-account-issuer-discovery', [url('get', '/.well-known/openid-configuration,/openid/v1/jwks')]),
  clusterRole('system:volume-scheduler', [
    r('get,list,patch,update,watch', '', 'persistentvolumes'),
    r(read, 'storage.k8s.io', 'storageclasses'),
    r('get,list,patch,update,watch', '', 'persistentvolumeclaims'),
  ]),
  clusterRole('view', [], { [toEdit]: 'true' }, toView),
];

/** system:controller:<name> roles for kube-controller-manager's controllers (each bound to its kube-system service account). */
const controllerRules: Record<string, PolicyRule[]> = {
  'attachdetach-controller': [
    r('list,watch', '', 'persistentvolumeclaims,persistentvolumes'), r(read, '', 'nodes'), r('patch,update', '', 'nodes/status'),
    r('list,watch', '', 'pods'), eventsRule, r('create,delete,get,list,watch', 'storage.k8s.io', 'volumeattachments'),
    r(read, 'storage.k8s.io', 'csidrivers'), r(read, 'storage.k8s.io', 'csinodes'),
  ],
  'certificate-controller': [
    r('delete,get,list,watch', 'certificates.k8s.io', 'certificatesigningrequests'),
    r('update', 'certificates.k8s.io', 'certificatesigningrequests/approval,certificatesigningrequests/status'),
    r('approve', 'certificates.k8s.io', 'signers', 'kubernetes.io/kube-apiserver-client-kubelet'),
    r('sign', 'certificates.k8s.io', 'signers', 'kubernetes.io/kube-apiserver-client,kubernetes.io/kube-apiserver-client-kubelet,kubernetes.io/kubelet-serving,kubernetes.io/legacy-unknown'),
    r('create', 'authorization.k8s.io', 'subjectaccessreviews'), eventsRule,
  ],
  'clusterrole-aggregation-controller': [r('escalate,get,list,patch,update,watch', rbacGroup, 'clusterroles')],
  'cronjob-controller': [
    r('get,list,update,watch', 'batch', 'cronjobs'), r('create,delete,get,list,patch,update,watch', 'batch', 'jobs'),
    r('update', 'batch', 'cronjobs/status'), r('update', 'batch', 'cronjobs/finalizers'), r('delete,list,watch', '', 'pods'), eventsRule,
  ],
  'daemon-set-controller': [
    r(read, 'apps,extensions', 'daemonsets'), r('update', 'apps,extensions', 'daemonsets/status'), r('update', 'apps,extensions', 'daemonsets/finalizers'),
    r('list,watch', '', 'nodes'), r('create,delete,list,patch,watch', '', 'pods'), r('create', '', 'pods/binding'),
    r('create,delete,get,list,patch,update,watch', 'apps', 'controllerrevisions'), eventsRule,
  ],
  'deployment-controller': [
    r('get,list,update,watch', 'apps,extensions', 'deployments'), r('update', 'apps,extensions', 'deployments/status'),
    r('update', 'apps,extensions', 'deployments/finalizers'), r('create,delete,get,list,patch,update,watch', 'apps,extensions', 'replicasets'),
    r('get,list,update,watch', '', 'pods'), eventsRule,
  ],
  'disruption-controller': [
    r(read, 'apps,extensions', 'deployments'), r(read, 'apps,extensions', 'replicasets'), r(read, '', 'replicationcontrollers'),
    r(read, 'policy', 'poddisruptionbudgets'), r(read, 'apps', 'statefulsets'), r('update', 'policy', 'poddisruptionbudgets/status'),
    r('patch,update', '', 'pods/status'), r('get', '*', '*/scale'), eventsRule,
  ],
  'endpoint-controller': [
    r(read, '', 'pods,services'), r('create,delete,get,list,update,watch', '', 'endpoints'), r('create', '', 'endpoints/restricted'), eventsRule,
  ],
  'endpointslice-controller': [
    r(read, '', 'nodes,pods,services'), r('update', '', 'services/finalizers'),
    r('create,delete,get,list,update,watch', 'discovery.k8s.io', 'endpointslices'), eventsRule,
  ],
  'endpointslicemirroring-controller': [
    r(read, '', 'endpoints,services'), r('update', '', 'services/finalizers'), r('update', '', 'endpoints/finalizers'),
    r('create,delete,get,list,update,watch', 'discovery.k8s.io', 'endpointslices'), eventsRule,
  ],
  'ephemeral-volume-controller': [
    r(read, '', 'pods'), r('update', '', 'pods/finalizers'), r('create,get,list,watch', '', 'persistentvolumeclaims'), eventsRule,
  ],
  'expand-controller': [
    r('get,list,patch,update,watch', '', 'persistentvolumes'), r('patch,update', '', 'persistentvolumeclaims/status'),
    r(read, '', 'persistentvolumeclaims'), eventsRule,
  ],
  'generic-garbage-collector': [r('delete,get,list,patch,update,watch', '*', '*'), eventsRule],
  'horizontal-pod-autoscaler': [
    r(read, 'autoscaling', 'horizontalpodautoscalers'), r('update', 'autoscaling', 'horizontalpodautoscalers/status'),
    r('get,update', '*', '*/scale'), r('list,watch', '', 'pods'), r('list,watch', 'metrics.k8s.io', 'pods'),
    r(read, 'custom.metrics.k8s.io', '*'), r(read, 'external.metrics.k8s.io', '*'), eventsRule,
  ],
  'job-controller': [
    r('get,list,patch,update,watch', 'batch', 'jobs'), r('update', 'batch', 'jobs/status'), r('update', 'batch', 'jobs/finalizers'),
    r('create,delete,list,patch,watch', '', 'pods'), eventsRule,
  ],
  'legacy-service-account-token-cleaner': [
    r('get', '', 'configmaps', 'kube-apiserver-legacy-service-account-token-tracking'), r('delete,patch', '', 'secrets'),
  ],
  'namespace-controller': [
    r('delete,get,list,watch', '', 'namespaces'), r('update', '', 'namespaces/finalize,namespaces/status'),
    r('delete,deletecollection,get,list,watch', '*', '*'),
  ],
  'node-controller': [
    r('delete,get,list,patch,update,watch', '', 'nodes'), r('patch,update', '', 'nodes/status'), r('patch,update', '', 'pods/status'),
    r('delete,get,list,watch', '', 'pods'), eventsRule,
  ],
  'persistent-volume-binder': [
    r('create,delete,get,list,update,watch', '', 'persistentvolumes'), r('update', '', 'persistentvolumes/status'),
    r('get,list,update,watch', '', 'persistentvolumeclaims'), r('update', '', 'persistentvolumeclaims/status'),
    r('create,delete,get,list,watch', '', 'pods'), r(read, 'storage.k8s.io', 'storageclasses'), r('list,watch', '', 'nodes'),
    eventsRule, r('watch', '', 'events'),
  ],
  'pod-garbage-collector': [r('delete,list,watch', '', 'pods'), r(read, '', 'nodes'), r('patch', '', 'pods/status')],
  'pv-protection-controller': [r('get,list,update,watch', '', 'persistentvolumes'), eventsRule],
  'pvc-protection-controller': [
    r('get,list,update,watch', '', 'persistentvolumeclaims'), r('update', '', 'persistentvolumeclaims/status'), r(read, '', 'pods'), eventsRule,
  ],
  'replicaset-controller': [
    r('get,list,update,watch', 'apps,extensions', 'replicasets'), r('update', 'apps,extensions', 'replicasets/status'),
    r('update', 'apps,extensions', 'replicasets/finalizers'), r('create,delete,list,patch,watch', '', 'pods'), eventsRule,
  ],
  'replication-controller': [
    r('get,list,update,watch', '', 'replicationcontrollers'), r('update', '', 'replicationcontrollers/status'),
    r('update', '', 'replicationcontrollers/finalizers'), r('create,delete,list,patch,watch', '', 'pods'), eventsRule,
  ],
  'resourcequota-controller': [r('list,watch', '*', '*'), r('update', '', 'resourcequotas/status'), eventsRule],
  'root-ca-cert-publisher': [r('create,update', '', 'configmaps'), eventsRule],
  'route-controller': [r('list,watch', '', 'nodes'), r('patch', '', 'nodes/status'), eventsRule],
  'service-account-controller': [r('create', '', 'serviceaccounts'), eventsRule],
  'service-controller': [r(read, '', 'services'), r('patch,update', '', 'services/status'), r('list,watch', '', 'nodes'), eventsRule],
  'statefulset-controller': [
    r('list,watch', '', 'pods'), r(read, 'apps', 'statefulsets'), r('update', 'apps', 'statefulsets/status'),
    r('update', 'apps', 'statefulsets/finalizers'), r('create,delete,get,patch,update', '', 'pods'),
    r('create,delete,get,list,patch,update,watch', 'apps', 'controllerrevisions'), r('create,get,list,watch', '', 'persistentvolumeclaims'),
    r('delete,update', '', 'persistentvolumeclaims'), r('update', '', 'pods/finalizers'), eventsRule,
  ],
  'ttl-after-finished-controller': [r('delete,get,list,watch', 'batch', 'jobs'), eventsRule],
  'ttl-controller': [r('list,patch,update,watch', '', 'nodes'), eventsRule],
  'validatingadmissionpolicy-status-controller': [
    r(read, 'admissionregistration.k8s.io', 'validatingadmissionpolicies'),
    r('get,patch,update', 'admissionregistration.k8s.io', 'validatingadmissionpolicies/status'), eventsRule,
  ],
};

export const controllerRoles: KubeObject[] = Object.entries(controllerRules).map(([n, rules]) => clusterRole(`system:controller:${n}`, rules));

export const clusterRoleBindings: KubeObject[] = [
  clusterRoleBinding('cluster-admin', [group('system:masters')]),
  clusterRoleBinding('system:monitoring', [group('system:monitoring')]),
  clusterRoleBinding('system:discovery', [group('system:authenticated')]),
  clusterRoleBinding('system:basic-user', [group('system:authenticated')]),
  clusterRoleBinding('system:public-info-viewer', [group('system:authenticated'), group('system:unauthenticated')]),
  clusterRoleBinding('system:node-proxier', [user('system:kube-proxy')]),
  clusterRoleBinding('system:kube-controller-manager', [user('system:kube-controller-manager')]),
  clusterRoleBinding('system:kube-dns', [sa('kube-system', 'kube-dns')]),
  clusterRoleBinding('system:kube-scheduler', [user('system:kube-scheduler')]),
  clusterRoleBinding('system:volume-scheduler', [user('system:kube-scheduler')]),
  // Kept without subjects since the Node authorizer took over (upstream's deprecation path).
  clusterRoleBinding('system:node', []),
  clusterRoleBinding('system:service-account-issuer-discovery', [group('system:serviceaccounts')]),
  ...Object.keys(controllerRules).map(n => clusterRoleBinding(`system:controller:${n}`, [sa('kube-system', n)])),
];

function role(namespace: string, name: string, rules: PolicyRule[]): KubeObject {
  return { apiVersion: `${rbacGroup}/v1`, kind: 'Role', metadata: meta(name, namespace), rules };
}

function roleBinding(namespace: string, name: string, roleName: string, subjects: Subject[]): KubeObject {
  return { apiVersion: `${rbacGroup}/v1`, kind: 'RoleBinding', metadata: meta(name, namespace), roleRef: { apiGroup: rbacGroup, kind: 'Role', name: roleName }, subjects };
}

const leaderLocking = [r('create,get,list,update,watch', 'coordination.k8s.io', 'leases'), r('create,get,list,update,watch', 'coordination.k8s.io', 'leasecandidates')];

export const namespacedRoles: KubeObject[] = [
  role('kube-public', 'system:controller:bootstrap-signer', [r(read, '', 'configmaps'), r('update', '', 'configmaps', 'cluster-info'), eventsRule]),
  role('kube-system', 'extension-apiserver-authentication-reader', [r(read, '', 'configmaps', 'extension-apiserver-authentication')]),
  role('kube-system', 'system::leader-locking-kube-controller-manager', leaderLocking),
  role('kube-system', 'system::leader-locking-kube-scheduler', leaderLocking),
  role('kube-system', 'system:controller:bootstrap-signer', [r(read, '', 'secrets')]),
  role('kube-system', 'system:controller:cloud-provider', [r('create,get,list,watch', '', 'configmaps')]),
  role('kube-system', 'system:controller:token-cleaner', [r('delete,get,list,watch', '', 'secrets'), eventsRule]),
];

export const namespacedRoleBindings: KubeObject[] = [
  roleBinding('kube-public', 'system:controller:bootstrap-signer', 'system:controller:bootstrap-signer', [sa('kube-system', 'bootstrap-signer')]),
  roleBinding('kube-system', 'system::extension-apiserver-authentication-reader', 'extension-apiserver-authentication-reader', [user('system:kube-controller-manager'), user('system:kube-scheduler')]),
  roleBinding('kube-system', 'system::leader-locking-kube-controller-manager', 'system::leader-locking-kube-controller-manager', [user('system:kube-controller-manager'), sa('kube-system', 'kube-controller-manager'), sa('kube-system', 'leader-election-controller')]),
  roleBinding('kube-system', 'system::leader-locking-kube-scheduler', 'system::leader-locking-kube-scheduler', [user('system:kube-scheduler'), sa('kube-system', 'kube-scheduler')]),
  roleBinding('kube-system', 'system:controller:bootstrap-signer', 'system:controller:bootstrap-signer', [sa('kube-system', 'bootstrap-signer')]),
  roleBinding('kube-system', 'system:controller:cloud-provider', 'system:controller:cloud-provider', [sa('kube-system', 'cloud-provider')]),
  roleBinding('kube-system', 'system:controller:token-cleaner', 'system:controller:token-cleaner', [sa('kube-system', 'token-cleaner')]),
];
