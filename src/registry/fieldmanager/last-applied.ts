// kubectl's client-side apply annotation kept in step with server-side apply (upstream's
// lastAppliedUpdater): when the "kubectl" manager applies and the object carries the
// annotation, the annotation becomes the applied configuration, so a later client-side
// apply diffs against what was really applied.
import { isObject, type JsonValue, type KubeObject } from '../../api/types.js';
import { clone } from '../meta.js';
import type { TypeNode } from './schema.js';
import type { FieldSet } from './set.js';
import { compare, toFieldSet } from './typed.js';

export const lastAppliedAnnotation = 'kubectl.kubernetes.io/last-applied-configuration';

/** Go's encoding/json of a map: keys sorted at every level. */
function sortedJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(sortedJson).join(',')}]`;
  if (isObject(v)) {
    return `{${Object.keys(v).sort().filter(k => v[k] !== undefined).map(k => `${JSON.stringify(k)}:${sortedJson(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** The annotation's value for an applied configuration: the config without the annotation, newline-terminated as upstream encodes it. */
export function buildLastApplied(config: Record<string, unknown>): string {
  const c = clone(config);
  const meta = c['metadata'];
  if (isObject(meta) && isObject(meta['annotations'])) {
    const annotations = meta['annotations'];
    delete annotations[lastAppliedAnnotation];
  }
  return `${sortedJson(c)}\n`;
}

/** Updates the annotation in place when `manager` is kubectl's server-side default and the object has one. */
export function syncLastApplied(obj: KubeObject, config: Record<string, unknown>, manager: string): void {
  const annotations = obj.metadata.annotations;
  if (manager !== 'kubectl' || !annotations || annotations[lastAppliedAnnotation] === undefined) return;
  obj.metadata.annotations = { ...annotations, [lastAppliedAnnotation]: buildLastApplied(config) };
}

/**
 * The fields kubectl's client-side apply last applied with the values still live (upstream's
 * lastAppliedManager): conflicts on these do not stop the "kubectl" manager's first server-side
 * apply, so moving from client-side to server-side apply needs no --force-conflicts.
 */
export function allowedConflictsFromLastApplied(live: KubeObject, liveValue: JsonValue, t: TypeNode, groupVersion: string): FieldSet | null {
  const raw = live.metadata.annotations?.[lastAppliedAnnotation];
  if (!raw) return null;
  let lastApplied: unknown;
  try {
    lastApplied = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!isObject(lastApplied) || lastApplied['apiVersion'] !== groupVersion) return null;
  try {
    const value = lastApplied as JsonValue;
    const c = compare(value, liveValue, t);
    return toFieldSet(value, t).difference(c.modified).difference(c.added).difference(c.removed);
  } catch {
    return null;
  }
}
