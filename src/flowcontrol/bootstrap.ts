// The mandatory and suggested configuration objects of kube-apiserver 1.32
// (k8s.io/apiserver pkg/apis/flowcontrol/bootstrap/default.go), each carrying the auto-update
// annotation. Built fresh on every call so callers may mutate what they get.
import { AUTO_UPDATE_ANNOTATION, CATCH_ALL, EXEMPT, type FlowSchema, type FlowSchemaSpec, type PolicyRulesWithSubjects, type PriorityLevelConfiguration, type PriorityLevelConfigurationSpec, type QueuingConfiguration, type ResourcePolicyRule, type Subject } from './types.js';

const meta = (name: string) => ({ name, annotations: { [AUTO_UPDATE_ANNOTATION]: 'true' } });

function pl(name: string, spec: PriorityLevelConfigurationSpec): PriorityLevelConfiguration {
  return { metadata: meta(name), spec };
}

function queued(shares: number, lendablePercent: number, queuing: QueuingConfiguration): PriorityLevelConfigurationSpec {
  return { type: 'Limited', limited: { nominalConcurrencyShares: shares, lendablePercent, limitResponse: { type: 'Queue', queuing } } };
}

function fs(name: string, level: string, matchingPrecedence: number, distinguisher: 'ByUser' | 'ByNamespace' | '', rule: PolicyRulesWithSubjects): FlowSchema {
  const spec: FlowSchemaSpec = { priorityLevelConfiguration: { name: level }, matchingPrecedence, rules: [rule] };
  if (distinguisher) spec.distinguisherMethod = { type: distinguisher };
  return { metadata: meta(name), spec };
}

const groups = (...names: string[]): Subject[] => names.map(name => ({ kind: 'Group', group: { name } }));
const users = (...names: string[]): Subject[] => names.map(name => ({ kind: 'User', user: { name } }));
const kubeSystemSAs = (...names: string[]): Subject[] => names.map(name => ({ kind: 'ServiceAccount', serviceAccount: { name, namespace: 'kube-system' } }));
// clusterScope false is left out, as Go's omitempty writes it.
const rr = (verbs: string[], apiGroups: string[], resources: string[], clusterScope: boolean): ResourcePolicyRule =>
  ({ verbs, apiGroups, resources, ...(clusterScope ? { clusterScope } : {}), namespaces: ['*'] });
const everything = (subjects: Subject[]): PolicyRulesWithSubjects => ({
  subjects,
  resourceRules: [rr(['*'], ['*'], ['*'], true)],
  nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
});

export function mandatoryPriorityLevels(): PriorityLevelConfiguration[] {
  return [
    pl(CATCH_ALL, { type: 'Limited', limited: { nominalConcurrencyShares: 5, lendablePercent: 0, limitResponse: { type: 'Reject' } } }),
    pl(EXEMPT, { type: 'Exempt', exempt: { nominalConcurrencyShares: 0, lendablePercent: 0 } }),
  ];
}

export function mandatoryFlowSchemas(): FlowSchema[] {
  return [
    fs(EXEMPT, EXEMPT, 1, '', everything(groups('system:masters'))),
    fs(CATCH_ALL, CATCH_ALL, 10000, 'ByUser', everything(groups('system:unauthenticated', 'system:authenticated'))),
  ];
}

export function suggestedPriorityLevels(): PriorityLevelConfiguration[] {
  return [
    pl('system', queued(30, 33, { queues: 64, handSize: 6, queueLengthLimit: 50 })),
    pl('node-high', queued(40, 25, { queues: 64, handSize: 6, queueLengthLimit: 50 })),
    pl('leader-election', queued(10, 0, { queues: 16, handSize: 4, queueLengthLimit: 50 })),
    pl('workload-high', queued(40, 50, { queues: 128, handSize: 6, queueLengthLimit: 50 })),
    pl('workload-low', queued(100, 90, { queues: 128, handSize: 6, queueLengthLimit: 50 })),
    pl('global-default', queued(20, 50, { queues: 128, handSize: 6, queueLengthLimit: 50 })),
  ];
}

const getCreateUpdate = ['get', 'create', 'update'];

export function suggestedFlowSchemas(): FlowSchema[] {
  return [
    fs('system-nodes', 'system', 500, 'ByUser', everything(groups('system:nodes'))),
    fs('system-node-high', 'node-high', 400, 'ByUser', {
      subjects: groups('system:nodes'),
      resourceRules: [rr(['*'], [''], ['nodes', 'nodes/status'], true), rr(['*'], ['coordination.k8s.io'], ['leases'], false)],
    }),
    fs('probes', EXEMPT, 2, '', {
      subjects: groups('system:unauthenticated', 'system:authenticated'),
      nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/healthz', '/readyz', '/livez'] }],
    }),
    fs('system-leader-election', 'leader-election', 100, 'ByUser', {
      subjects: [...users('system:kube-controller-manager', 'system:kube-scheduler'), ...kubeSystemSAs('*')],
      resourceRules: [rr(getCreateUpdate, ['coordination.k8s.io'], ['leases'], false)],
    }),
    fs('workload-leader-election', 'leader-election', 200, 'ByUser', {
      subjects: kubeSystemSAs('*'),
      resourceRules: [rr(getCreateUpdate, [''], ['endpoints', 'configmaps'], false), rr(getCreateUpdate, ['coordination.k8s.io'], ['leases'], false)],
    }),
    fs('endpoint-controller', 'workload-high', 150, 'ByUser', {
      subjects: [...users('system:kube-controller-manager'), ...kubeSystemSAs('endpoint-controller', 'endpointslicemirroring-controller')],
      resourceRules: [rr(getCreateUpdate, [''], ['endpoints'], false)],
    }),
    fs('kube-controller-manager', 'workload-high', 800, 'ByNamespace', everything(users('system:kube-controller-manager'))),
    fs('kube-scheduler', 'workload-high', 800, 'ByNamespace', everything(users('system:kube-scheduler'))),
    fs('kube-system-service-accounts', 'workload-high', 900, 'ByNamespace', everything(kubeSystemSAs('*'))),
    fs('service-accounts', 'workload-low', 9000, 'ByUser', everything(groups('system:serviceaccounts'))),
    fs('global-default', 'global-default', 9900, 'ByUser', everything(groups('system:unauthenticated', 'system:authenticated'))),
  ];
}
