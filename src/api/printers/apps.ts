// Table rows of apps/v1 workloads.
import { formatLabels, formatLabelSelector, fromLabelSelectorObject, type LabelSelectorObject } from '../../registry/selectors/labels.js';
import { groupKindLower, templateCells } from './format.js';
import type { Obj } from './read.js';
import { int, obj, objs, optObj, str, strMap } from './read.js';
import type { PrinterTable } from './types.js';

/** spec.replicas, which upstream defaults to 1 before anything reads it. */
export function desiredReplicas(spec: Obj): number {
  return typeof spec.replicas === 'number' ? int(spec.replicas) : 1;
}

function podSpec(spec: Obj): Obj {
  return obj(obj(spec.template).spec);
}

/** Deployments print the selector itself: "" when empty, "<invalid>" when it cannot parse. */
function deploymentSelector(selector: unknown): string {
  try {
    return fromLabelSelectorObject(optObj(selector) as LabelSelectorObject | undefined).toString();
  } catch {
    return '<invalid>';
  }
}

function selectorCell(selector: unknown): string {
  return formatLabelSelector(optObj(selector) as LabelSelectorObject | undefined);
}

export const appsPrinters: PrinterTable = {
  'deployments.apps': {
    cells: o => {
      const spec = obj(o.spec);
      const status = obj(o.status);
      return {
        Ready: `${int(status.readyReplicas)}/${desiredReplicas(spec)}`,
        'Up-to-date': int(status.updatedReplicas),
        Available: int(status.availableReplicas),
        ...templateCells(podSpec(spec)),
        Selector: deploymentSelector(spec.selector),
      };
    },
  },
  'replicasets.apps': {
    cells: o => {
      const spec = obj(o.spec);
      const status = obj(o.status);
      return {
        Desired: desiredReplicas(spec),
        Current: int(status.replicas),
        Ready: int(status.readyReplicas),
        ...templateCells(podSpec(spec)),
        Selector: selectorCell(spec.selector),
      };
    },
  },
  'statefulsets.apps': {
    cells: o => {
      const spec = obj(o.spec);
      return { Ready: `${int(obj(o.status).readyReplicas)}/${desiredReplicas(spec)}`, ...templateCells(podSpec(spec)) };
    },
  },
  'daemonsets.apps': {
    cells: o => {
      const spec = obj(o.spec);
      const status = obj(o.status);
      return {
        Desired: int(status.desiredNumberScheduled),
        Current: int(status.currentNumberScheduled),
        Ready: int(status.numberReady),
        'Up-to-date': int(status.updatedNumberScheduled),
        Available: int(status.numberAvailable),
        'Node Selector': formatLabels(strMap(podSpec(spec).nodeSelector)),
        ...templateCells(podSpec(spec)),
        Selector: selectorCell(spec.selector),
      };
    },
  },
  'controllerrevisions.apps': {
    cells: o => {
      const owner = objs(obj(o.metadata).ownerReferences).find(r => r.controller === true);
      let controller = '<none>';
      if (owner) {
        const gk = groupKindLower(str(owner.apiVersion), str(owner.kind));
        controller = gk ? `${gk}/${str(owner.name)}` : str(owner.name);
      }
      return { Controller: controller, Revision: int(o.revision) };
    },
  },
};
