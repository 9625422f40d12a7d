// Table rows of the core group (other than pods and events).
import { formatLabels } from '../../registry/selectors/labels.js';
import { containerCells, joinHostPort } from './format.js';
import { formatQuantity } from './quantity.js';
import type { Obj } from './read.js';
import { arr, count, int, obj, objs, optObj, optStr, sortStrings, str, strMap } from './read.js';
import type { PrinterTable } from './types.js';

/** Unique ingress IPs (or hostnames), sorted (loadBalancerStatusStringer; the server prints wide). */
export function loadBalancerIngress(lb: Obj): string {
  const set = new Set<string>();
  for (const i of objs(lb.ingress)) {
    if (str(i.ip)) set.add(str(i.ip));
    else if (str(i.hostname)) set.add(str(i.hostname));
  }
  return sortStrings([...set]).join(',');
}

function serviceExternalIP(spec: Obj, status: Obj): string {
  const externalIPs = arr(spec.externalIPs).map(str);
  switch (str(spec.type)) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerIngress(obj(status.loadBalancer));
      if (externalIPs.length) return [...(lb ? lb.split(',') : []), ...externalIPs].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return str(spec.externalName);
    default:
      return '<unknown>';
  }
}

function servicePorts(spec: Obj): string {
  const ports = objs(spec.ports).map(p => {
    const nodePort = int(p.nodePort);
    return nodePort > 0 ? `${int(p.port)}:${nodePort}/${str(p.protocol)}` : `${int(p.port)}/${str(p.protocol)}`;
  });
  return ports.join(',') || '<none>';
}

/** "ip:port" per address and port, at most 3, then " + N more..." (formatEndpoints). */
function endpointsCell(o: Obj): string {
  const subsets = objs(o.subsets);
  if (subsets.length === 0) return '<none>';
  const max = 3;
  const list: string[] = [];
  let more = false;
  let total = 0;
  const add = (s: string) => {
    if (list.length === max) more = true;
    else list.push(s);
  };
  for (const ss of subsets) {
    const addresses = objs(ss.addresses);
    const ports = objs(ss.ports);
    if (ports.length === 0) {
      total += addresses.length;
      for (const a of addresses) add(str(a.ip));
      continue;
    }
    for (const p of ports) {
      total += addresses.length;
      for (const a of addresses) add(joinHostPort(str(a.ip), int(p.port)));
    }
  }
  const ret = list.join(',');
  return more ? `${ret} + ${total - max} more...` : ret;
}

function nodeStatus(o: Obj): string {
  const ready = objs(obj(o.status).conditions).filter(c => c.type === 'Ready').pop();
  const status = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (obj(o.spec).unschedulable === true) status.push('SchedulingDisabled');
  return status.join(',');
}

/** From node-role.kubernetes.io/<role> label keys and the kubernetes.io/role label's value. */
export function nodeRoles(labels: Record<string, string>): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(labels)) {
    if (k.startsWith('node-role.kubernetes.io/')) {
      const role = k.slice('node-role.kubernetes.io/'.length);
      if (role) roles.add(role);
    } else if (k === 'kubernetes.io/role' && v !== '') {
      roles.add(v);
    }
  }
  return sortStrings([...roles]).join(',') || '<none>';
}

function nodeAddress(o: Obj, type: string): string {
  return str(objs(obj(o.status).addresses).find(a => a.type === type)?.address) || '<none>';
}

/** "RWO,ROX,RWX,RWOP" in that order (GetAccessModesAsString). */
export function accessModes(modes: unknown): string {
  const have = new Set(arr(modes).map(str));
  const out: string[] = [];
  if (have.has('ReadWriteOnce')) out.push('RWO');
  if (have.has('ReadOnlyMany')) out.push('ROX');
  if (have.has('ReadWriteMany')) out.push('RWX');
  if (have.has('ReadWriteOncePod')) out.push('RWOP');
  return out.join(',');
}

const BETA_STORAGE_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

/** The beta annotation wins over spec.storageClassName. */
function storageClassOf(o: Obj): string {
  const annotations = strMap(obj(o.metadata).annotations);
  if (BETA_STORAGE_CLASS_ANNOTATION in annotations) return annotations[BETA_STORAGE_CLASS_ANNOTATION]!;
  return str(obj(o.spec).storageClassName);
}

function terminatingPhase(o: Obj): string {
  return typeof obj(o.metadata).deletionTimestamp === 'string' ? 'Terminating' : str(obj(o.status).phase);
}

function quotaColumns(status: Obj): { Request: string; Limit: string } {
  const hard = obj(status.hard);
  const used = obj(status.used);
  const request: string[] = [];
  const limit: string[] = [];
  for (const name of sortStrings(Object.keys(hard))) {
    const pieces = name.split('.');
    const target = pieces.length > 1 && pieces[0] === 'limits' ? limit : request;
    target.push(`${name}: ${formatQuantity(used[name])}/${formatQuantity(hard[name])}`);
  }
  return { Request: request.join(', '), Limit: limit.join(', ') };
}

export const corePrinters: PrinterTable = {
  services: {
    cells: o => {
      const spec = obj(o.spec);
      return {
        Type: str(spec.type),
        'Cluster-IP': str(spec.clusterIP) || str(arr(spec.clusterIPs)[0]) || '<none>',
        'External-IP': serviceExternalIP(spec, obj(o.status)),
        'Port(s)': servicePorts(spec),
        Selector: formatLabels(strMap(spec.selector)),
      };
    },
  },
  endpoints: { cells: o => ({ Endpoints: endpointsCell(o) }) },
  configmaps: { cells: o => ({ Data: count(o.data) + count(o.binaryData) }) },
  secrets: { cells: o => ({ Type: str(o.type), Data: count(o.data) }) },
  serviceaccounts: { cells: o => ({ Secrets: count(o.secrets) }) },
  namespaces: { cells: o => ({ Status: str(obj(o.status).phase) }) },
  nodes: {
    cells: o => {
      const info = obj(obj(o.status).nodeInfo);
      return {
        Status: nodeStatus(o),
        Roles: nodeRoles(strMap(obj(o.metadata).labels)),
        Version: str(info.kubeletVersion),
        'Internal-IP': nodeAddress(o, 'InternalIP'),
        'External-IP': nodeAddress(o, 'ExternalIP'),
        'OS-Image': str(info.osImage) || '<unknown>',
        'Kernel-Version': str(info.kernelVersion) || '<unknown>',
        'Container-Runtime': str(info.containerRuntimeVersion) || '<unknown>',
      };
    },
  },
  persistentvolumes: {
    cells: o => {
      const spec = obj(o.spec);
      const claim = optObj(spec.claimRef);
      return {
        Capacity: formatQuantity(obj(spec.capacity).storage),
        'Access Modes': accessModes(spec.accessModes),
        'Reclaim Policy': str(spec.persistentVolumeReclaimPolicy),
        Status: terminatingPhase(o),
        Claim: claim ? `${str(claim.namespace)}/${str(claim.name)}` : '',
        StorageClass: storageClassOf(o),
        VolumeAttributesClass: optStr(spec.volumeAttributesClassName) ?? '<unset>',
        Reason: str(obj(o.status).reason),
        VolumeMode: optStr(spec.volumeMode) ?? '<unset>',
      };
    },
  },
  persistentvolumeclaims: {
    cells: o => {
      const spec = obj(o.spec);
      const status = obj(o.status);
      const bound = str(spec.volumeName) !== '';
      const annotations = strMap(obj(o.metadata).annotations);
      const storageClass = BETA_STORAGE_CLASS_ANNOTATION in annotations
        ? annotations[BETA_STORAGE_CLASS_ANNOTATION]!
        : optStr(spec.storageClassName) ?? '';
      return {
        Status: terminatingPhase(o),
        Volume: str(spec.volumeName),
        Capacity: bound ? formatQuantity(obj(status.capacity).storage) : '',
        'Access Modes': bound ? accessModes(status.accessModes) : '',
        StorageClass: storageClass,
        VolumeAttributesClass: optStr(spec.volumeAttributesClassName) ?? '<unset>',
        VolumeMode: optStr(spec.volumeMode) ?? '<unset>',
      };
    },
  },
  replicationcontrollers: {
    cells: o => {
      const spec = obj(o.spec);
      const status = obj(o.status);
      const { names, images } = containerCells(obj(obj(spec.template).spec).containers);
      return {
        // spec.replicas defaults to 1.
        Desired: typeof spec.replicas === 'number' ? int(spec.replicas) : 1,
        Current: int(status.replicas),
        Ready: int(status.readyReplicas),
        Containers: names,
        Images: images,
        Selector: formatLabels(strMap(spec.selector)),
      };
    },
  },
  podtemplates: {
    cells: o => {
      const template = obj(o.template);
      const { names, images } = containerCells(obj(template.spec).containers);
      return { Containers: names, Images: images, 'Pod Labels': formatLabels(strMap(obj(template.metadata).labels)) };
    },
  },
  resourcequotas: { cells: o => quotaColumns(obj(o.status)) },
  componentstatuses: {
    cells: o => {
      const healthy = objs(o.conditions).find(c => c.type === 'Healthy');
      if (!healthy) return { Status: 'Unknown', Message: '', Error: '' };
      return { Status: healthy.status === 'True' ? 'Healthy' : 'Unhealthy', Message: str(healthy.message), Error: str(healthy.error) };
    },
  },
};
