// apiextensions.k8s.io/v1 defaulting of a CustomResourceDefinition (pkg/apis/apiextensions/v1
// defaults.go and the generated defaulters), applied in place to the v1 object.
import { child, def, isObj, items, opt, type Obj } from '../api/defaults/util.js';
import type { KubeObject } from '../api/types.js';

export function defaultCustomResourceDefinition(crd: KubeObject): void {
  const o = crd as Obj;
  const spec = child(o, 'spec');
  const names = child(spec, 'names');
  const kind = typeof names['kind'] === 'string' ? names['kind'] : '';
  def(names, 'singular', kind.toLowerCase());
  if (kind !== '') def(names, 'listKind', `${kind}List`);
  if (!isObj(spec['conversion'])) spec['conversion'] = { strategy: 'None' };
  const service = opt(opt(opt(opt(spec, 'conversion'), 'webhook'), 'clientConfig'), 'service');
  if (service) def(service, 'port', 443);
  // The stored versions start with the storage version.
  const stored = opt(o, 'status')?.['storedVersions'];
  if (!Array.isArray(stored) || stored.length === 0) {
    const storage = items(spec, 'versions').find(v => v['storage'] === true);
    if (storage !== undefined) child(o, 'status')['storedVersions'] = [storage['name']];
  }
}
