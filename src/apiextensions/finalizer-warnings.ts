// Warnings for finalizer names a custom resource write adds (upstream's generateWarningsFromObj
// in the custom resource strategy): not a qualified name, or not domain-qualified.
import type { KubeObject } from '../api/types.js';
import { isQualifiedName } from '../api/validation/names.js';

const STANDARD = new Set(['orphan', 'foregroundDeletion', 'kubernetes']);
const FIELD = 'metadata.finalizers';

function warningsFor(name: string): string[] {
  const out = isQualifiedName(name).map(msg => `${FIELD}: ${JSON.stringify(name)}: ${msg}`);
  if (!name.includes('/') && !STANDARD.has(name)) {
    out.push(name.includes('.')
      ? `${FIELD}: ${JSON.stringify(name)}: prefer a domain-qualified finalizer name including a path (/) to avoid accidental conflicts with other finalizer writers`
      : `${FIELD}: ${JSON.stringify(name)}: prefer a domain-qualified finalizer name to avoid accidental conflicts with other finalizer writers`);
  }
  return out;
}

/** For the finalizers obj adds over old (all of them on create), in sorted order. */
export function finalizerWarnings(obj: KubeObject, old: KubeObject | null): string[] {
  const before = new Set(old?.metadata.finalizers ?? []);
  const added = [...new Set(obj.metadata.finalizers ?? [])].filter(f => !before.has(f)).sort();
  return added.flatMap(warningsFor);
}
