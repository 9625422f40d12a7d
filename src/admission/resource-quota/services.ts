// Upstream's service quota evaluator: services, services.loadbalancers, services.nodeports and
// count/services, charged on create and on updates (a service can change type).
import type { KubeObject } from '../../api/types.js';
import { objectCountName, unscopedEvaluator, type QuotaEvaluator } from './evaluator.js';
import { count, intersection, type ResourceList } from './resources.js';

const SERVICE_COUNT = objectCountName('', 'services');
const SERVICE_RESOURCES = [SERVICE_COUNT, 'services', 'services.nodeports', 'services.loadbalancers'];

interface ServiceSpec { type?: string; ports?: { nodePort?: number }[]; allocateLoadBalancerNodePorts?: boolean }

export function serviceUsage(svc: KubeObject): ResourceList {
  const spec = (svc['spec'] ?? {}) as ServiceSpec;
  const ports = spec.ports ?? [];
  const usage: ResourceList = { [SERVICE_COUNT]: count(1), services: count(1), 'services.loadbalancers': count(0), 'services.nodeports': count(0) };
  if (spec.type === 'NodePort') usage['services.nodeports'] = count(ports.length);
  if (spec.type === 'LoadBalancer') {
    // Without node port allocation only the ports that name one explicitly use a node port;
    // the others are not allocated yet, so this counts the intent.
    const nodePorts = spec.allocateLoadBalancerNodePorts === false ? ports.filter(p => (p.nodePort ?? 0) !== 0).length : ports.length;
    usage['services.nodeports'] = count(nodePorts);
    usage['services.loadbalancers'] = count(1);
  }
  return usage;
}

export function serviceEvaluator(): QuotaEvaluator {
  const matchingResources = (input: string[]) => intersection(input, SERVICE_RESOURCES);
  return unscopedEvaluator({
    group: '',
    resource: 'services',
    handles: a => a.operation === 'create' || a.operation === 'update',
    matchingResources,
    usage: serviceUsage,
  });
}
