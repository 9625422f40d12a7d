// Which objects each node may read: built from pods bound to a node (spec.nodeName) and the
// claims they use, as a reference-counted edge set. It stands in for upstream's Node authorizer
// graph (plugin/pkg/auth/authorizer/node/graph.go) for pods, secrets, configmaps, PVCs, PVs and
// service accounts.
import type { KubeObject } from '../api/types.js';
import type { Informer } from '../registry/informer.js';

export type VertexType = 'secret' | 'configmap' | 'pvc' | 'serviceaccount';

interface PodSpecRefs {
  nodeName?: string;
  serviceAccountName?: string;
  imagePullSecrets?: { name?: string }[];
  volumes?: Record<string, unknown>[];
  containers?: ContainerRefs[];
  initContainers?: ContainerRefs[];
  ephemeralContainers?: ContainerRefs[];
}

interface ContainerRefs {
  env?: { valueFrom?: { secretKeyRef?: { name?: string }; configMapKeyRef?: { name?: string } } }[];
  envFrom?: { secretRef?: { name?: string }; configMapRef?: { name?: string } }[];
}

type Ref = [VertexType, string];

/** Everything a pod makes its node depend on. */
export function podReferences(pod: KubeObject): Ref[] {
  const spec = (pod['spec'] ?? {}) as PodSpecRefs;
  const refs: Ref[] = [['serviceaccount', spec.serviceAccountName || 'default']];
  const add = (t: VertexType, name: unknown) => { if (typeof name === 'string' && name) refs.push([t, name]); };
  for (const s of spec.imagePullSecrets ?? []) add('secret', s.name);
  for (const v of spec.volumes ?? []) {
    const vol = v as {
      name?: string; secret?: { secretName?: string }; configMap?: { name?: string };
      persistentVolumeClaim?: { claimName?: string }; ephemeral?: unknown;
      projected?: { sources?: { secret?: { name?: string }; configMap?: { name?: string } }[] };
      csi?: { nodePublishSecretRef?: { name?: string } };
    };
    add('secret', vol.secret?.secretName);
    add('configmap', vol.configMap?.name);
    add('pvc', vol.persistentVolumeClaim?.claimName);
    // Generic ephemeral volumes get a claim named <pod>-<volume>.
    if (vol.ephemeral) add('pvc', `${pod.metadata.name ?? ''}-${vol.name ?? ''}`);
    for (const src of vol.projected?.sources ?? []) {
      add('secret', src.secret?.name);
      add('configmap', src.configMap?.name);
    }
    add('secret', vol.csi?.nodePublishSecretRef?.name);
  }
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? []), ...(spec.ephemeralContainers ?? [])]) {
    for (const e of c.env ?? []) {
      add('secret', e.valueFrom?.secretKeyRef?.name);
      add('configmap', e.valueFrom?.configMapKeyRef?.name);
    }
    for (const e of c.envFrom ?? []) {
      add('secret', e.secretRef?.name);
      add('configmap', e.configMapRef?.name);
    }
  }
  return refs;
}

const edgeKey = (node: string, t: VertexType, namespace: string, name: string) => `${node}\0${t}\0${namespace}\0${name}`;

export class NodeGraph {
  private readonly edges = new Map<string, number>();
  private readonly podEdges = new Map<string, string[]>();
  /** PVC keys (ns/name) used by each node's pods, counted. */
  private readonly nodeClaims = new Map<string, Map<string, number>>();

  constructor(private readonly pods: Informer, private readonly claims: Informer) {
    pods.onEvent((type, pod) => {
      const key = `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`;
      this.removePod(key);
      if (type !== 'DELETED') this.addPod(key, pod);
    });
  }

  async start(): Promise<void> {
    await Promise.all([this.pods.start(), this.claims.start()]);
  }

  stop(): void {
    this.pods.stop();
    this.claims.stop();
  }

  private addPod(key: string, pod: KubeObject): void {
    const node = ((pod['spec'] ?? {}) as PodSpecRefs).nodeName;
    if (!node) return;
    const ns = pod.metadata.namespace ?? '';
    const keys = [...new Set(podReferences(pod).map(([t, n]) => edgeKey(node, t, ns, n)))];
    for (const k of keys) this.edges.set(k, (this.edges.get(k) ?? 0) + 1);
    this.podEdges.set(key, keys);
    for (const k of keys) {
      const [, t, , name] = k.split('\0') as [string, VertexType, string, string];
      if (t !== 'pvc') continue;
      let m = this.nodeClaims.get(node);
      if (!m) this.nodeClaims.set(node, (m = new Map()));
      m.set(`${ns}/${name}`, (m.get(`${ns}/${name}`) ?? 0) + 1);
    }
  }

  private removePod(key: string): void {
    const keys = this.podEdges.get(key);
    if (!keys) return;
    this.podEdges.delete(key);
    for (const k of keys) {
      const n = (this.edges.get(k) ?? 0) - 1;
      if (n <= 0) this.edges.delete(k);
      else this.edges.set(k, n);
      const [node, t, ns, name] = k.split('\0') as [string, VertexType, string, string];
      if (t !== 'pvc') continue;
      const m = this.nodeClaims.get(node);
      const c = `${ns}/${name}`;
      const left = (m?.get(c) ?? 0) - 1;
      if (left <= 0) m?.delete(c);
      else m?.set(c, left);
      if (m && m.size === 0) this.nodeClaims.delete(node);
    }
  }

  /** Whether a pod bound to `node` references the namespaced object. */
  hasEdge(node: string, t: VertexType, namespace: string, name: string): boolean {
    return this.edges.has(edgeKey(node, t, namespace, name));
  }

  /** Whether a claim used by a pod on `node` is bound to the PersistentVolume. */
  usesVolume(node: string, pvName: string): boolean {
    for (const c of this.nodeClaims.get(node)?.keys() ?? []) {
      const [ns, name] = c.split('/') as [string, string];
      const claim = this.claims.get(ns, name);
      if (((claim?.['spec'] ?? {}) as { volumeName?: string }).volumeName === pvName) return true;
    }
    return false;
  }
}
