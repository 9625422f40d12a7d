// The FlowSchema status writer (upstream's configController status updates): each schema carries
// a Dangling condition saying whether its priority level exists. Written only when it changes.
import { isApiError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { log } from '../observability/logger.js';
import type { Store } from '../registry/store.js';
import type { Condition, FlowSchema } from './types.js';

export function danglingCondition(levelName: string, dangling: boolean, now: Date): Condition {
  return dangling
    ? { type: 'Dangling', status: 'True', lastTransitionTime: now.toISOString().replace(/\.\d+Z$/, 'Z'), reason: 'NotFound', message: `This FlowSchema references the PriorityLevelConfiguration object named "${levelName}" but there is no such object` }
    : { type: 'Dangling', status: 'False', lastTransitionTime: now.toISOString().replace(/\.\d+Z$/, 'Z'), reason: 'Found', message: `This FlowSchema references the PriorityLevelConfiguration object named "${levelName}" and it exists` };
}

/** True when the schema's Dangling condition already says what `want` says (the time aside). */
export function conditionCurrent(fs: FlowSchema, want: Condition): boolean {
  const have = fs.status?.conditions?.find(c => c.type === want.type);
  return have !== undefined && have.status === want.status && have.reason === want.reason && have.message === want.message;
}

export async function writeDangling(store: Store, fs: FlowSchema, want: Condition): Promise<void> {
  try {
    await store.update('', fs.metadata.name ?? '', 'status', current => {
      if (!current) throw new Error('gone');
      const status = (current['status'] ?? {}) as { conditions?: Condition[] };
      const conditions = (status.conditions ?? []).filter(c => c.type !== want.type);
      return { ...current, status: { ...status, conditions: [...conditions, want] } } as KubeObject;
    }, { dryRun: false });
  } catch (e) {
    // Deleted meanwhile: nothing to report on.
    if (isApiError(e) && e.code === 404) return;
    log.warn('FlowSchema status update failed', { name: fs.metadata.name, err: e instanceof Error ? e.message : String(e) });
  }
}
