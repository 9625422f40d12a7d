// What a pod spec refers to, for the plugins that restrict mirror pods and kubelets
// (upstream's podutil.VisitPodSecretNames / VisitPodConfigmapNames, as a yes/no).
type Fields = Record<string, unknown>;

export const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';

const FIELDS = {
  secrets: { volume: 'secret', env: 'secretKeyRef', envFrom: 'secretRef' },
  configmaps: { volume: 'configMap', env: 'configMapKeyRef', envFrom: 'configMapRef' },
} as const;

const list = (v: unknown) => (Array.isArray(v) ? (v as Fields[]) : []);

/** The sources of the pod's projected volumes. */
export function projectedSources(spec: Fields): Fields[] {
  return list(spec['volumes']).flatMap(v => list((v['projected'] as Fields | undefined)?.['sources']));
}

/** Whether the pod uses any Secret (volumes, projections, pull secrets, env) or ConfigMap. */
export function podReferences(spec: Fields, what: keyof typeof FIELDS): boolean {
  const f = FIELDS[what];
  if (what === 'secrets' && list(spec['imagePullSecrets']).length > 0) return true;
  if ([...list(spec['volumes']), ...projectedSources(spec)].some(v => v[f.volume] !== undefined)) return true;
  const containers = ['initContainers', 'containers', 'ephemeralContainers'].flatMap(k => list(spec[k]));
  return containers.some(c => list(c['env']).some(e => (e['valueFrom'] as Fields | undefined)?.[f.env] !== undefined)
    || list(c['envFrom']).some(e => e[f.envFrom] !== undefined));
}
