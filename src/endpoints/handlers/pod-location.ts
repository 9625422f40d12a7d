// Where a pod's kubelet streams live (upstream pkg/registry/core/pod/strategy.go LogLocation,
// streamLocation, PortForwardLocation): the container is checked or defaulted, the pod's node
// resolved to a kubelet endpoint.
import { ApiError, errors } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';
import type { KubeletClient, KubeletEndpoint } from '../../kubelet/client.js';
import type { Store } from '../../registry/store.js';

export interface KubeletDeps {
  pods: Store;
  nodes: Store;
  kubelet: KubeletClient;
}

interface Container { name?: string }

function containers(pod: KubeObject, field: string): Container[] {
  const spec = (pod['spec'] ?? {}) as Record<string, unknown>;
  return Array.isArray(spec[field]) ? spec[field] as Container[] : [];
}

function hasContainer(pod: KubeObject, name: string): boolean {
  return ['containers', 'initContainers', 'ephemeralContainers'].some(f => containers(pod, f).some(c => c.name === name));
}

/** A named container must exist; with none named, a lone container is the default. Undefined: the caller must ask for a choice. */
function namedOrOnly(pod: KubeObject, requested: string): string | undefined {
  const name = pod.metadata.name ?? '';
  if (requested) {
    if (!hasContainer(pod, requested)) throw errors.badRequest(`container ${requested} is not valid for pod ${name}`);
    return requested;
  }
  const main = containers(pod, 'containers');
  if (main.length === 1) return main[0]!.name ?? '';
  if (main.length === 0) throw errors.badRequest(`a container name must be specified for pod ${name}`);
  return undefined;
}

const names = (pod: KubeObject, ...fields: string[]) => fields.flatMap(f => containers(pod, f).map(c => c.name ?? '')).join(' ');

/** The pods/log rule: the choice lists every container. */
export function logContainer(pod: KubeObject, requested: string): string {
  const chosen = namedOrOnly(pod, requested);
  if (chosen !== undefined) return chosen;
  throw errors.badRequest(`a container name must be specified for pod ${pod.metadata.name ?? ''}, choose one of: [${names(pod, 'containers', 'initContainers', 'ephemeralContainers')}]`);
}

/** The exec/attach rule, which names init containers apart. */
export function streamContainer(pod: KubeObject, requested: string): string {
  const chosen = namedOrOnly(pod, requested);
  if (chosen !== undefined) return chosen;
  let msg = `a container name must be specified for pod ${pod.metadata.name ?? ''}, choose one of: [${names(pod, 'containers')}]`;
  if (containers(pod, 'initContainers').length > 0) msg += ` or one of the init containers: [${names(pod, 'initContainers')}]`;
  throw errors.badRequest(msg);
}

export function nodeNameOf(pod: KubeObject): string {
  const spec = (pod['spec'] ?? {}) as { nodeName?: string };
  return spec.nodeName ?? '';
}

/** An error upstream passes on without a Status reason (GetConnectionInfo's, transport errors): 500, message as is. */
export function unknownError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  return new ApiError(500, '', e instanceof Error ? e.message : String(e));
}

export async function kubeletEndpoint(deps: KubeletDeps, nodeName: string): Promise<KubeletEndpoint> {
  const node = await deps.nodes.get('', nodeName);
  try {
    return deps.kubelet.endpoint(node);
  } catch (e) {
    throw unknownError(e);
  }
}

/** The query's boolean as upstream's converter reads it: present and not "false"/"0". */
export function queryBool(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  return v !== null && v !== '' && v.toLowerCase() !== 'false' && v !== '0';
}
