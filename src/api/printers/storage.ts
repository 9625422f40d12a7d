// Table rows of storage.k8s.io resources. Unset fields print as upstream's defaulting sets them.
import { formatQuantity } from './quantity.js';
import type { Obj } from './read.js';
import { arr, bool, count, obj, optBool, optStr, str, strMap } from './read.js';
import type { PrinterTable } from './types.js';

function isDefaultStorageClass(o: Obj): boolean {
  const annotations = strMap(obj(o.metadata).annotations);
  return annotations['storageclass.kubernetes.io/is-default-class'] === 'true'
    || annotations['storageclass.beta.kubernetes.io/is-default-class'] === 'true';
}

function csiDriverCells(o: Obj): Record<string, string | boolean> {
  const spec = obj(o.spec);
  const modes = arr(spec.volumeLifecycleModes).map(str);
  return {
    AttachRequired: optBool(spec.attachRequired) ?? true,
    PodInfoOnMount: optBool(spec.podInfoOnMount) ?? false,
    StorageCapacity: optBool(spec.storageCapacity) ?? false,
    TokenRequests: Array.isArray(spec.tokenRequests) ? spec.tokenRequests.map(t => str(obj(t).audience)).join(',') : '<unset>',
    RequiresRepublish: optBool(spec.requiresRepublish) ?? false,
    // An empty list defaults to Persistent.
    Modes: modes.length ? modes.join(',') : 'Persistent',
  };
}

export const storagePrinters: PrinterTable = {
  'storageclasses.storage.k8s.io': {
    cells: o => ({
      Name: str(obj(o.metadata).name) + (isDefaultStorageClass(o) ? ' (default)' : ''),
      Provisioner: str(o.provisioner),
      ReclaimPolicy: optStr(o.reclaimPolicy) ?? 'Delete',
      VolumeBindingMode: optStr(o.volumeBindingMode) ?? 'Immediate',
      AllowVolumeExpansion: optBool(o.allowVolumeExpansion) ?? false,
    }),
  },
  'csidrivers.storage.k8s.io': { cells: csiDriverCells },
  'csinodes.storage.k8s.io': { cells: o => ({ Drivers: count(obj(o.spec).drivers) }) },
  'csistoragecapacities.storage.k8s.io': {
    cells: o => ({
      StorageClassName: str(o.storageClassName),
      Capacity: o.capacity === undefined || o.capacity === null ? '<unset>' : formatQuantity(o.capacity),
    }),
  },
  // Upstream also suffixes " (default)" by an annotation this printer does not know (beta API).
  'volumeattributesclasses.storage.k8s.io': { cells: o => ({ DriverName: str(o.driverName) }) },
  'volumeattachments.storage.k8s.io': {
    cells: o => {
      const spec = obj(o.spec);
      return {
        Attacher: str(spec.attacher),
        PV: str(obj(spec.source).persistentVolumeName),
        Node: str(spec.nodeName),
        Attached: bool(obj(o.status).attached),
      };
    },
  },
};
