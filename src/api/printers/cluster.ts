// Table rows of cluster-level API groups: coordination, certificates, apiregistration,
// flowcontrol, scheduling, node, policy, internal.apiserver, storagemigration and resource.
import { humanDuration } from './duration.js';
import { listWithMore } from './format.js';
import type { Obj } from './read.js';
import { arr, int, obj, objs, optInt, optObj, optStr, str } from './read.js';
import type { Cell, PrinterTable } from './types.js';

/** Denied, else Approved, else Pending; then ",Failed" and ",Issued" (extractCSRStatus). */
function csrCondition(status: Obj): string {
  const types = new Set(objs(status.conditions).map(c => str(c.type)));
  let out = types.has('Denied') ? 'Denied' : types.has('Approved') ? 'Approved' : 'Pending';
  if (types.has('Failed')) out += ',Failed';
  if (str(status.certificate)) out += ',Issued';
  return out;
}

function apiServiceAvailable(status: Obj): string {
  const c = objs(status.conditions).find(x => x.type === 'Available');
  if (!c) return 'Unknown';
  if (c.status !== 'True' && str(c.reason)) return `${str(c.status)} (${str(c.reason)})`;
  return str(c.status);
}

/** A limited level's queuing numbers, with upstream's defaults for unset ones. */
function priorityLevelCells(spec: Obj): Record<string, Cell> {
  const limited = optObj(spec.limited);
  const none = { NominalConcurrencyShares: '<none>', Queues: '<none>', HandSize: '<none>', QueueLengthLimit: '<none>' };
  if (!limited) return none;
  // v1beta2 named the shares assuredConcurrencyShares; 30 is the default.
  const shares = optInt(limited.nominalConcurrencyShares) ?? optInt(limited.assuredConcurrencyShares) ?? 30;
  const queuing = optObj(obj(limited.limitResponse).queuing);
  if (!queuing) return { ...none, NominalConcurrencyShares: shares };
  return {
    NominalConcurrencyShares: shares,
    Queues: int(queuing.queues) || 64,
    HandSize: int(queuing.handSize) || 8,
    QueueLengthLimit: int(queuing.queueLengthLimit) || 50,
  };
}

function flowSchemaOrder(a: Obj, b: Obj): number {
  const pa = int(obj(a.spec).matchingPrecedence);
  const pb = int(obj(b.spec).matchingPrecedence);
  if (pa !== pb) return pa - pb;
  const na = str(obj(a.metadata).name);
  const nb = str(obj(b.metadata).name);
  return na < nb ? -1 : na > nb ? 1 : 0;
}

/** IntOrString as text, "N/A" when unset. */
function intOrString(v: unknown): string {
  if (typeof v === 'number') return String(int(v));
  return typeof v === 'string' ? v : 'N/A';
}

function resourceClaimState(o: Obj): string {
  const deleted = typeof obj(o.metadata).deletionTimestamp === 'string';
  const status = obj(o.status);
  const states: string[] = [];
  if (deleted) states.push('deleted');
  if (!optObj(status.allocation)) {
    if (!deleted) states.push('pending');
  } else {
    states.push('allocated');
    if (arr(status.reservedFor).length) states.push('reserved');
  }
  return states.join(',');
}

export const clusterPrinters: PrinterTable = {
  'leases.coordination.k8s.io': { cells: o => ({ Holder: str(obj(o.spec).holderIdentity) }) },
  'leasecandidates.coordination.k8s.io': {
    cells: o => {
      const spec = obj(o.spec);
      return { LeaseName: str(spec.leaseName), BinaryVersion: str(spec.binaryVersion), EmulationVersion: str(spec.emulationVersion) };
    },
  },
  'certificatesigningrequests.certificates.k8s.io': {
    cells: o => {
      const spec = obj(o.spec);
      const seconds = optInt(spec.expirationSeconds);
      return {
        SignerName: str(spec.signerName) || '<none>',
        Requestor: str(spec.username),
        RequestedDuration: seconds === undefined ? '<none>' : humanDuration(seconds * 1000),
        Condition: csrCondition(obj(o.status)),
      };
    },
  },
  'clustertrustbundles.certificates.k8s.io': { cells: o => ({ SignerName: str(obj(o.spec).signerName) || '<none>' }) },
  'apiservices.apiregistration.k8s.io': {
    cells: o => {
      const svc = optObj(obj(o.spec).service);
      return { Service: svc ? `${str(svc.namespace)}/${str(svc.name)}` : 'Local', Available: apiServiceAvailable(obj(o.status)) };
    },
  },
  'flowschemas.flowcontrol.apiserver.k8s.io': {
    cells: o => {
      const spec = obj(o.spec);
      const dangling = objs(obj(o.status).conditions).find(c => c.type === 'Dangling');
      return {
        PriorityLevel: str(obj(spec.priorityLevelConfiguration).name),
        MatchingPrecedence: int(spec.matchingPrecedence),
        DistinguisherMethod: optObj(spec.distinguisherMethod) ? str(obj(spec.distinguisherMethod).type) : '<none>',
        MissingPL: dangling ? str(dangling.status) : '?',
      };
    },
    order: flowSchemaOrder,
  },
  'prioritylevelconfigurations.flowcontrol.apiserver.k8s.io': {
    cells: o => ({ Type: str(obj(o.spec).type), ...priorityLevelCells(obj(o.spec)) }),
  },
  'priorityclasses.scheduling.k8s.io': {
    cells: o => ({
      Value: int(o.value),
      'Global-Default': o.globalDefault === true,
      PreemptionPolicy: optStr(o.preemptionPolicy) ?? 'PreemptLowerPriority',
    }),
  },
  'runtimeclasses.node.k8s.io': { cells: o => ({ Handler: str(o.handler) }) },
  'poddisruptionbudgets.policy': {
    cells: o => {
      const spec = obj(o.spec);
      return {
        'Min Available': intOrString(spec.minAvailable),
        'Max Unavailable': intOrString(spec.maxUnavailable),
        'Allowed Disruptions': int(obj(o.status).disruptionsAllowed),
      };
    },
  },
  'storageversions.internal.apiserver.k8s.io': {
    cells: o => {
      const status = obj(o.status);
      const versions = objs(status.storageVersions).map(v => `${str(v.apiServerID)}=${str(v.encodingVersion)}`);
      return { CommonEncodingVersion: optStr(status.commonEncodingVersion) ?? '<unset>', StorageVersions: listWithMore(versions, versions.length, 3) };
    },
  },
  'storageversionmigrations.storagemigration.k8s.io': {
    cells: o => {
      const r = obj(obj(o.spec).resource);
      return { Resource: `${str(r.resource)}.${str(r.version)}.${str(r.group)}` };
    },
  },
  'resourceclaims.resource.k8s.io': { cells: o => ({ State: resourceClaimState(o) }) },
  'resourceslices.resource.k8s.io': {
    cells: o => {
      const spec = obj(o.spec);
      return { Node: str(spec.nodeName), Driver: str(spec.driver), Pool: str(obj(spec.pool).name) };
    },
  },
};
