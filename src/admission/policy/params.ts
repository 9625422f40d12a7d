// Which param objects a binding evaluates its policy with (upstream's generic.CollectParams):
// none needed without paramKind or paramRef, one by name, or every match of a selector, from the
// request's namespace for a namespaced kind unless paramRef names one.
import type { KubeObject } from '../../api/types.js';
import { fromLabelSelectorObject } from '../../registry/selectors/labels.js';
import type { ParamKind, ParamRef } from './types.js';

export interface ParamStore {
  namespaced: boolean;
  get(namespace: string, name: string): Promise<KubeObject | null>;
  list(namespace: string): Promise<KubeObject[]>;
}

/** The store serving objects of a paramKind; undefined when the kind is not served. */
export type ParamResolver = (apiVersion: string, kind: string) => ParamStore | undefined;

/** A binding misconfiguration; the dispatcher reports it under the policy's failurePolicy. */
export class ConfigError extends Error {}

/** schema.GroupVersionKind's String(), as upstream's paramKind errors print it. */
export function gvkString(pk: ParamKind): string {
  const [group, version] = (pk.apiVersion ?? '').includes('/') ? pk.apiVersion!.split('/', 2) : ['', pk.apiVersion ?? ''];
  return `${group}/${version}, Kind=${pk.kind ?? ''}`;
}

/** The params to evaluate with; [null] when the policy runs without one, [] when none was found. */
export async function collectParams(
  paramKind: ParamKind | undefined, store: ParamStore | undefined, ref: ParamRef | undefined, namespace: string,
): Promise<Array<KubeObject | null>> {
  if (!paramKind || !ref) return [null];
  if (!store) throw new ConfigError(`paramKind kind \`${gvkString(paramKind)}\` not known`);
  let ns = '';
  if (store.namespaced) {
    ns = ref.namespace || namespace;
    if (ns === '') throw new ConfigError('cannot use namespaced paramRef in policy binding that matches cluster-scoped resources');
  } else if (ref.namespace) {
    throw new ConfigError('paramRef.namespace must not be provided for a cluster-scoped `paramKind`');
  }
  let params: KubeObject[];
  if (ref.name) {
    if (ref.selector) throw new ConfigError('paramRef.name and paramRef.selector are mutually exclusive');
    const p = await store.get(ns, ref.name);
    params = p ? [p] : [];
  } else if (ref.selector) {
    const sel = fromLabelSelectorObject(ref.selector);
    params = (await store.list(ns)).filter(o => sel.matches(o.metadata.labels ?? {}));
  } else {
    throw new ConfigError('one of name or selector must be provided');
  }
  if (params.length === 0 && ref.parameterNotFoundAction === 'Deny') {
    throw new ConfigError('no params found for policy binding with `Deny` parameterNotFoundAction');
  }
  // CEL sees apiVersion and kind on every param, as upstream's wrappedParam ensures.
  return params.map(p => ({ ...p, apiVersion: p.apiVersion || paramKind.apiVersion || '', kind: p.kind || paramKind.kind || '' }));
}
