// Watches over the log: the initial state when asked, history replayed from the table after the
// start revision, then committed rows as the broadcaster hands them over; predicate transitions,
// bookmarks and 410 for compacted revisions as the etcd3 backend reports them.
import type { KubeObject } from '../../api/types.js';
import type { WatchOptions, Watcher } from '../interface.js';
import { parseResourceVersion, prefixRangeEnd, tooLargeResourceVersion } from '../resource-version.js';
import { decodeObject } from '../value.js';
import { bookmarkEvent, changeToEvent, initialEventsEndBookmark, tooOldStatus, watchErrorStatus, type Change } from '../watch-events.js';
import { WatchQueue } from '../watch-queue.js';
import { decodeRow, live } from './get.js';
import { upperBound, type Log, type LogRow } from './log.js';

function toChange(row: LogRow): Change {
  const rev = String(row.id);
  const decode = (v: Buffer | null) => (v === null ? null : decodeObject(v, rev, row.name));
  if (row.deleted) return { kind: 'delete', created: false, current: null, previous: decode(row.value) };
  // The previous state is stamped with this revision: what a watcher leaving the predicate sees.
  return { kind: 'put', created: row.created === 1, current: decode(row.value), previous: decode(row.old_value) };
}

export function watchLog(log: Log, key: string, opts: WatchOptions, bookmarkIntervalMs: number): Watcher {
  const fromRevision = parseResourceVersion(opts.resourceVersion, key);
  const watchKey = opts.recursive && !key.endsWith('/') ? `${key}/` : key;
  // One key is the range [key, key + "\0").
  const end = opts.recursive ? upperBound(prefixRangeEnd(watchKey)) : `${watchKey}\x00`;

  const cleanups: (() => void)[] = [];
  const cleanup = () => {
    for (const c of cleanups.splice(0)) c();
  };
  const queue = new WatchQueue(cleanup);
  const fail = (e: unknown) => {
    cleanup();
    queue.push({ type: 'ERROR', object: watchErrorStatus(e) });
    queue.end();
  };
  const deliver = (row: LogRow) => {
    if (opts.recursive ? !row.name.startsWith(watchKey) : row.name !== watchKey) return;
    try {
      const event = changeToEvent(toChange(row), opts.predicate);
      if (event) queue.push(event);
    } catch (e) {
      // A value that does not decode, or a predicate that throws: this watcher cannot go on.
      fail(e);
    }
  };
  const passes = (o: KubeObject) => !opts.predicate || opts.predicate(o);

  try {
    let after = Number(fromRevision);
    if (opts.sendInitialEvents ?? fromRevision === 0n) {
      after = log.revision;
      if (BigInt(after) < fromRevision) throw tooLargeResourceVersion(key, fromRevision, BigInt(after));
      const rows = opts.recursive ? log.range(watchKey, end, after, 0) : [log.latest(watchKey)];
      for (const row of rows) {
        const state = live(row);
        const obj = state ? decodeRow(state) : undefined;
        if (obj && passes(obj)) queue.push({ type: 'ADDED', object: obj });
      }
      if (opts.sendInitialEvents && opts.bookmarks) queue.push(initialEventsEndBookmark(BigInt(after)));
    } else if (fromRevision === 0n) {
      after = log.revision;
    }
    // The oldest resourceVersion one can still watch from is the compact revision - 1.
    if (after + 1 < log.compactRevision) {
      queue.push({ type: 'ERROR', object: tooOldStatus(BigInt(after), BigInt(log.compactRevision - 1)) });
      queue.end();
      return queue;
    }
    // Replay and subscribe in the same tick: no commit can fall between them.
    for (const row of log.since(after, watchKey, end)) deliver(row);
    if (queue.isEnded) return queue;
    cleanups.push(log.broadcaster.subscribe(deliver));
    cleanups.push(
      log.broadcaster.onClose(() => {
        cleanup();
        queue.end();
      }),
    );
    if (opts.bookmarks) {
      const bookmark = () => queue.push(bookmarkEvent(BigInt(log.revision)));
      const timer = setInterval(bookmark, bookmarkIntervalMs).unref();
      cleanups.push(() => clearInterval(timer));
      cleanups.push(log.broadcaster.onProgress(bookmark));
    }
  } catch (e) {
    fail(e);
  }
  return queue;
}
