// Watches over the in-memory store: replay from the change log, then live changes, with the same
// predicate transitions, bookmarks and 410 on compaction as the etcd3 backend.
import type { KubeObject } from '../../api/types.js';
import type { WatchOptions, Watcher } from '../interface.js';
import { parseResourceVersion, prefixRangeEnd, tooLargeResourceVersion } from '../resource-version.js';
import { decodeObject } from '../value.js';
import { bookmarkEvent, changeToEvent, initialEventsEndBookmark, tooOldStatus, watchErrorStatus } from '../watch-events.js';
import { WatchQueue } from '../watch-queue.js';
import type { ChangeRecord, Mvcc } from './mvcc.js';

function toEvent(c: ChangeRecord, predicate?: (obj: KubeObject) => boolean) {
  const rev = c.rev.toString();
  return changeToEvent(
    {
      kind: c.kind,
      created: c.created,
      current: c.value !== null ? decodeObject(c.value, rev, c.key) : null,
      previous: c.prev !== null ? decodeObject(c.prev, rev, c.key) : null,
    },
    predicate,
  );
}

export function watchMemory(store: Mvcc, key: string, opts: WatchOptions, bookmarkIntervalMs: number): Watcher {
  const fromRevision = parseResourceVersion(opts.resourceVersion, key);
  const watchKey = opts.recursive && !key.endsWith('/') ? `${key}/` : key;
  const end = prefixRangeEnd(watchKey);
  const matches = (k: string) => (opts.recursive ? k.startsWith(watchKey) : k === watchKey);

  let unsubscribe = () => {};
  let timer: NodeJS.Timeout | undefined;
  const queue = new WatchQueue(() => {
    unsubscribe();
    clearInterval(timer);
  });
  const fail = (e: unknown) => {
    unsubscribe();
    clearInterval(timer);
    queue.push({ type: 'ERROR', object: watchErrorStatus(e) });
    queue.end();
  };
  const deliver = (c: ChangeRecord) => {
    if (!matches(c.key)) return;
    try {
      const event = toEvent(c, opts.predicate);
      if (event) queue.push(event);
    } catch (e) {
      fail(e);
    }
  };

  try {
    let after = fromRevision;
    if (opts.sendInitialEvents ?? fromRevision === 0n) {
      const snapshot = store.range(watchKey, opts.recursive ? end : Buffer.from(`${watchKey}\x00`, 'utf8'), 0, 0n, watchKey);
      after = snapshot.revision;
      if (after < fromRevision) throw tooLargeResourceVersion(key, fromRevision, after);
      for (const kv of snapshot.kvs) {
        const obj = decodeObject(kv.value, kv.modRevision, kv.key);
        if (!opts.predicate || opts.predicate(obj)) queue.push({ type: 'ADDED', object: obj });
      }
      if (opts.sendInitialEvents && opts.bookmarks) queue.push(initialEventsEndBookmark(after));
    } else if (fromRevision === 0n) {
      after = store.revision;
    }
    const history = store.changesFrom(after + 1n);
    if (!history) {
      queue.push({ type: 'ERROR', object: tooOldStatus(after, store.compactedRevision - 1n) });
      queue.end();
      return queue;
    }
    for (const c of history) deliver(c);
    unsubscribe = store.subscribe(deliver);
    if (opts.bookmarks) {
      timer = setInterval(() => queue.push(bookmarkEvent(store.revision)), bookmarkIntervalMs).unref();
      const unsubscribeChanges = unsubscribe;
      const unsubscribeProgress = store.onProgress(() => queue.push(bookmarkEvent(store.revision)));
      unsubscribe = () => {
        unsubscribeChanges();
        unsubscribeProgress();
      };
    }
  } catch (e) {
    fail(e);
  }
  return queue;
}
