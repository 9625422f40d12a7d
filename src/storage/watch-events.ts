// Turning a store change into the event a filtered watcher sees, and the Status objects of
// watch ERROR events, as upstream's etcd3 watcher does.
import type { KubeObject, Status } from '../api/types.js';
import { isStorageError } from './errors.js';
import type { WatchEvent } from './interface.js';

export interface Change {
  kind: 'put' | 'delete';
  /** For put: true when the key was created by this change. */
  created: boolean;
  /** The new object (put). */
  current: KubeObject | null;
  /** The previous object, resourceVersion set to the change's revision (delete and modify). */
  previous: KubeObject | null;
}

/**
 * Upstream's watchChan.transform: a modification that leaves the predicate is DELETED (carrying the
 * previous object), one that enters it is ADDED; unmatched changes produce nothing.
 */
export function changeToEvent(change: Change, predicate?: (obj: KubeObject) => boolean): WatchEvent | null {
  const passes = (o: KubeObject | null) => o !== null && (!predicate || predicate(o));
  if (change.kind === 'delete') {
    return change.previous && passes(change.previous) ? { type: 'DELETED', object: change.previous } : null;
  }
  if (!change.current) return null;
  if (change.created) return passes(change.current) ? { type: 'ADDED', object: change.current } : null;
  if (!predicate) return { type: 'MODIFIED', object: change.current };
  const now = passes(change.current);
  const before = passes(change.previous);
  if (now && before) return { type: 'MODIFIED', object: change.current };
  if (now) return { type: 'ADDED', object: change.current };
  if (before && change.previous) return { type: 'DELETED', object: change.previous };
  return null;
}

/** 410 Expired for a watch from a compacted revision; the message is the watch cache's. */
export function tooOldStatus(requested: bigint, oldest: bigint): Status {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `too old resource version: ${requested.toString()} (${oldest.toString()})`,
    reason: 'Expired',
    code: 410,
  };
}

/** The Status a watch ends with when starting it failed: 504 for a revision etcd has not reached, else 500. */
export function watchErrorStatus(e: unknown): Status {
  const message = e instanceof Error ? e.message : String(e);
  if (isStorageError(e, 'TooLargeResourceVersion')) {
    return {
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `Timeout: ${message}`, reason: 'Timeout',
      details: { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }], retryAfterSeconds: 1 }, code: 504,
    };
  }
  return internalErrorStatus(message);
}

/** 500 InternalError, what upstream's watcher sends for any non-API error before closing. */
export function internalErrorStatus(message: string): Status {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `Internal error occurred: ${message}`,
    reason: 'InternalError',
    details: { causes: [{ message }] },
    code: 500,
  };
}

export function bookmarkEvent(revision: bigint): WatchEvent {
  return { type: 'BOOKMARK', object: { metadata: { resourceVersion: revision.toString() } } };
}

/** The bookmark that ends a watch's initial events (sendInitialEvents=true), at the state's revision. */
export function initialEventsEndBookmark(revision: bigint): WatchEvent {
  return { type: 'BOOKMARK', object: { metadata: { resourceVersion: revision.toString(), annotations: { 'k8s.io/initial-events-end': 'true' } } } };
}
