// Table rows of batch/v1 jobs and cronjobs.
import { formatLabelSelector, type LabelSelectorObject } from '../../registry/selectors/labels.js';
import { humanDuration, parseTimestamp, since } from './duration.js';
import { boolPtr, templateCells } from './format.js';
import type { Obj } from './read.js';
import { arr, int, obj, objs, optObj, optStr, str } from './read.js';
import type { PrinterTable } from './types.js';

function conditionTrue(conditions: Obj[], type: string): boolean {
  const c = conditions.find(x => x.type === type);
  return c !== undefined && c.status === 'True';
}

function jobStatus(o: Obj): string {
  const conditions = objs(obj(o.status).conditions);
  if (conditionTrue(conditions, 'Complete')) return 'Complete';
  if (conditionTrue(conditions, 'Failed')) return 'Failed';
  if (typeof obj(o.metadata).deletionTimestamp === 'string') return 'Terminating';
  if (conditionTrue(conditions, 'Suspended')) return 'Suspended';
  if (conditionTrue(conditions, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

function jobCompletions(spec: Obj, status: Obj): string {
  const succeeded = int(status.succeeded);
  // With neither set, upstream defaults both completions and parallelism to 1.
  const completions = spec.completions == null && spec.parallelism == null ? 1 : spec.completions;
  if (typeof completions === 'number') return `${succeeded}/${int(completions)}`;
  const parallelism = typeof spec.parallelism === 'number' ? int(spec.parallelism) : 1;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

/** Start to completion, or start to now while the job runs; '' before it starts. */
function jobDuration(status: Obj, now: Date): string {
  const start = parseTimestamp(status.startTime);
  if (start === undefined) return '';
  const end = parseTimestamp(status.completionTime);
  return humanDuration((end ?? now.getTime()) - start);
}

function selectorCell(selector: unknown): string {
  return formatLabelSelector(optObj(selector) as LabelSelectorObject | undefined);
}

export const batchPrinters: PrinterTable = {
  'jobs.batch': {
    cells: (o, ctx) => {
      const spec = obj(o.spec);
      const status = obj(o.status);
      return {
        Status: jobStatus(o),
        Completions: jobCompletions(spec, status),
        Duration: jobDuration(status, ctx.now),
        ...templateCells(obj(obj(spec.template).spec)),
        Selector: selectorCell(spec.selector),
      };
    },
  },
  'cronjobs.batch': {
    cells: (o, ctx) => {
      const spec = obj(o.spec);
      const status = obj(o.status);
      const jobSpec = obj(obj(spec.jobTemplate).spec);
      return {
        Schedule: str(spec.schedule),
        Timezone: optStr(spec.timeZone) ?? '<none>',
        // spec.suspend defaults to false.
        Suspend: boolPtr(spec.suspend ?? false),
        Active: arr(status.active).length,
        'Last Schedule': status.lastScheduleTime == null ? '<none>' : since(status.lastScheduleTime, ctx.now),
        ...templateCells(obj(obj(jobSpec.template).spec)),
        Selector: selectorCell(jobSpec.selector),
      };
    },
  },
};
