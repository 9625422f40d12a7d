// upstream's kubernetesservice controller: creates the default/kubernetes Service (the first IP
// of the service range, port 443 "https" to --secure-port) and, every interval, has the endpoint
// reconciler list this server; on shutdown it takes this server off the list.
import { isApiError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { log } from '../observability/logger.js';
import type { Store } from '../registry/store.js';
import { KUBERNETES_SERVICE, type EndpointReconciler } from './endpoint-reconcilers.js';
import { runPeriodically, type Periodic } from './periodic.js';

export interface KubernetesServiceConfig {
  services: Store;
  reconciler: EndpointReconciler;
  /** --advertise-address: what the Endpoints list for this server; '' lists nothing. */
  publicIP: string;
  /** The Service's ClusterIP: the first address of the primary service range. */
  serviceIP: string;
  /** --secure-port: the Endpoints port and the Service's targetPort. */
  publicServicePort: number;
  /** --kubernetes-service-node-port: 0 keeps the Service a ClusterIP one. */
  nodePort: number;
  /** upstream's --endpoint-reconciler interval: 10 s. */
  intervalMs: number;
}

export function kubernetesServiceObject(cfg: Pick<KubernetesServiceConfig, 'serviceIP' | 'publicServicePort' | 'nodePort'>): KubeObject {
  const port: Record<string, unknown> = { name: 'https', protocol: 'TCP', port: 443, targetPort: cfg.publicServicePort };
  if (cfg.nodePort > 0) port['nodePort'] = cfg.nodePort;
  return {
    apiVersion: 'v1', kind: 'Service',
    metadata: { name: KUBERNETES_SERVICE.name, namespace: KUBERNETES_SERVICE.namespace, labels: { provider: 'kubernetes', component: 'apiserver' } },
    spec: {
      ports: [port], clusterIP: cfg.serviceIP, ipFamilyPolicy: 'SingleStack', sessionAffinity: 'None',
      type: cfg.nodePort > 0 ? 'NodePort' : 'ClusterIP',
    },
  };
}

export class KubernetesServiceController {
  private loop: Periodic | undefined;

  constructor(private readonly cfg: KubernetesServiceConfig) {}

  /** Creates the Service if it is missing; an existing one is left as it is (upstream since 1.17). */
  async ensureService(): Promise<void> {
    const { namespace, name } = KUBERNETES_SERVICE;
    try {
      await this.cfg.services.get(namespace, name);
      return;
    } catch (e) {
      if (!(isApiError(e) && e.code === 404)) throw e;
    }
    try {
      await this.cfg.services.create(namespace, kubernetesServiceObject(this.cfg), { dryRun: false });
    } catch (e) {
      if (!(isApiError(e) && e.code === 409)) throw e;
    }
  }

  private async sync(): Promise<void> {
    await this.ensureService();
    if (this.cfg.publicIP !== '') await this.cfg.reconciler.reconcile(this.cfg.publicIP, this.cfg.publicServicePort);
  }

  start(): void {
    this.loop = runPeriodically('kubernetes service sync', this.cfg.intervalMs, () => this.sync());
  }

  /** Stops the loop and removes this server from the Endpoints, waiting at most two intervals. */
  async stop(): Promise<void> {
    await this.loop?.stop();
    if (this.cfg.publicIP === '') return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>(resolve => { timer = setTimeout(() => { log.warn('RemoveEndpoints() timed out'); resolve(); }, 2 * this.cfg.intervalMs); });
    const removal = this.cfg.reconciler.remove(this.cfg.publicIP, this.cfg.publicServicePort)
      .catch(e => log.error('Unable to remove endpoints from kubernetes service', { err: e instanceof Error ? e.message : String(e) }));
    await Promise.race([removal, timeout]);
    clearTimeout(timer);
  }
}
