// Table rows of networking.k8s.io and discovery.k8s.io resources.
import { formatLabelSelector, type LabelSelectorObject } from '../../registry/selectors/labels.js';
import { loadBalancerIngress } from './core.js';
import { listWithMore } from './format.js';
import type { Obj } from './read.js';
import { arr, int, obj, objs, optObj, optStr, str } from './read.js';
import type { PrinterTable } from './types.js';

/** Up to three rule hosts, then " + N more..." counting every rule; "*" when none. */
function ingressHosts(rules: Obj[]): string {
  const max = 3;
  const list: string[] = [];
  let more = false;
  for (const rule of rules) {
    if (list.length === max) more = true;
    if (!more && str(rule.host)) list.push(str(rule.host));
  }
  if (list.length === 0) return '*';
  return more ? `${list.join(',')} + ${rules.length - max} more...` : list.join(',');
}

function ingressClassParameters(spec: Obj): string {
  const p = optObj(spec.parameters);
  if (!p) return '<none>';
  const kind = typeof p.apiGroup === 'string' ? `${str(p.kind)}.${p.apiGroup}` : str(p.kind);
  return `${kind}/${str(p.name)}`;
}

function slicePorts(ports: Obj[]): string {
  const list = ports.map(p => (typeof p.port === 'number' ? String(int(p.port)) : optStr(p.name) ?? '*'));
  return listWithMore(list, list.length, 3);
}

function sliceEndpoints(endpoints: Obj[]): string {
  const list = endpoints.flatMap(e => arr(e.addresses).map(str));
  return listWithMore(list, list.length, 3);
}

function ipAddressParent(spec: Obj): string {
  const ref = optObj(spec.parentRef);
  if (!ref) return '<none>';
  const group = str(ref.group);
  let name = (group ? `${str(ref.resource)}.${group}` : str(ref.resource)).toLowerCase();
  if (str(ref.namespace)) name += `/${str(ref.namespace)}`;
  return `${name}/${str(ref.name)}`;
}

export const networkingPrinters: PrinterTable = {
  'ingresses.networking.k8s.io': {
    cells: o => {
      const spec = obj(o.spec);
      return {
        Class: optStr(spec.ingressClassName) ?? '<none>',
        Hosts: ingressHosts(objs(spec.rules)),
        Address: loadBalancerIngress(obj(obj(o.status).loadBalancer)),
        Ports: arr(spec.tls).length ? '80, 443' : '80',
      };
    },
  },
  'ingressclasses.networking.k8s.io': {
    cells: o => ({ Controller: str(obj(o.spec).controller), Parameters: ingressClassParameters(obj(o.spec)) }),
  },
  'networkpolicies.networking.k8s.io': {
    cells: o => ({ 'Pod-Selector': formatLabelSelector(obj(obj(o.spec).podSelector) as LabelSelectorObject) }),
  },
  'servicecidrs.networking.k8s.io': {
    cells: o => ({ CIDRs: arr(obj(o.spec).cidrs).map(str).join(',') }),
  },
  'ipaddresses.networking.k8s.io': {
    cells: o => ({ ParentRef: ipAddressParent(obj(o.spec)) }),
  },
  'endpointslices.discovery.k8s.io': {
    cells: o => ({ AddressType: str(o.addressType), Ports: slicePorts(objs(o.ports)), Endpoints: sliceEndpoints(objs(o.endpoints)) }),
  },
};
