// The /scale subresource of a custom resource (autoscaling/v1 Scale over the CRD's
// specReplicasPath, statusReplicasPath and labelSelectorPath) and the checks upstream's
// customResourceValidator makes of those paths on every write.
import type { ScalePaths } from '../api/custom-type.js';
import { isObject, type KubeObject, type StatusCause } from '../api/types.js';
import { fe } from '../api/validation/field.js';

const MAX_INT32 = 2147483647;

const segments = (path: string) => path.replace(/^\./, '').split('.');

function read(obj: KubeObject, path: string): { found: boolean; value: unknown } {
  let cur: unknown = obj;
  for (const s of segments(path)) {
    if (!isObject(cur) || !(s in cur)) return { found: false, value: undefined };
    cur = cur[s];
  }
  return { found: true, value: cur };
}

/** Go's %T of a decoded JSON value. */
function goType(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  if (Array.isArray(v)) return '[]interface {}';
  if (v === null) return '<nil>';
  return 'map[string]interface {}';
}

/** unstructured.NestedInt64: the value, 0 when missing, or its accessor error. */
function nestedInt(obj: KubeObject, path: string): { value: number; error?: string } {
  const { found, value } = read(obj, path);
  if (!found || value === null) return { value: 0 };
  if (typeof value === 'number' && Number.isInteger(value)) return { value };
  return { value: 0, error: `.${segments(path).join('.')} accessor error: ${typeof value === 'object' ? JSON.stringify(value) : String(value)} is of the type ${goType(value)}, expected int64` };
}

/** ValidateScaleSpec / ValidateScaleStatus. */
export function scaleCauses(obj: KubeObject, scale: ScalePaths, which: 'spec' | 'status'): StatusCause[] {
  const path = which === 'spec' ? scale.specReplicasPath : scale.statusReplicasPath;
  const out: StatusCause[] = [];
  const { value, error } = nestedInt(obj, path);
  if (error) out.push(fe.invalid(path, value, error));
  else if (value < 0) out.push(fe.invalid(path, value, 'should be a non-negative integer'));
  else if (value > MAX_INT32) out.push(fe.invalid(path, value, `should be less than or equal to ${MAX_INT32}`));
  if (which === 'status' && scale.labelSelectorPath) {
    const sel = read(obj, scale.labelSelectorPath);
    if (sel.found && sel.value !== null && typeof sel.value !== 'string') {
      out.push(fe.invalid(scale.labelSelectorPath, '', `.${segments(scale.labelSelectorPath).join('.')} accessor error: ${JSON.stringify(sel.value)} is of the type ${goType(sel.value)}, expected string`));
    }
  }
  return out;
}

/** A Scale's metadata: the scaled object's identity, as upstream's scale views copy it. */
export function scaleMetadata(obj: KubeObject): KubeObject['metadata'] {
  const m = obj.metadata;
  const meta: KubeObject['metadata'] = { name: m.name ?? '' };
  if (m.namespace) meta.namespace = m.namespace;
  if (m.uid) meta.uid = m.uid;
  if (m.resourceVersion) meta.resourceVersion = m.resourceVersion;
  meta.creationTimestamp = m.creationTimestamp ?? null;
  return meta;
}

/** upstream's scaleFromCustomResource. */
export function customScaleOf(obj: KubeObject, scale: ScalePaths): KubeObject {
  const meta = scaleMetadata(obj);
  const spec = nestedInt(obj, scale.specReplicasPath).value;
  const status: Record<string, unknown> = { replicas: nestedInt(obj, scale.statusReplicasPath).value };
  if (scale.labelSelectorPath) {
    const sel = read(obj, scale.labelSelectorPath).value;
    if (typeof sel === 'string' && sel !== '') status['selector'] = sel;
  }
  return { kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: meta, spec: spec === 0 ? {} : { replicas: spec }, status };
}

/** Writes spec replicas at the CRD's specReplicasPath, creating the objects on the way. */
export function setCustomReplicas(obj: KubeObject, scale: ScalePaths, replicas: number): void {
  const path = segments(scale.specReplicasPath);
  let cur: Record<string, unknown> = obj;
  for (const s of path.slice(0, -1)) {
    if (!isObject(cur[s])) cur[s] = {};
    cur = cur[s] as Record<string, unknown>;
  }
  cur[path[path.length - 1]!] = replicas;
}
