// WATCH: a chunked stream of JSON lines {"type": ..., "object": ...} until the timeout,
// the client going away, or the backend ending the watch.
import { randomInt } from 'node:crypto';
import { errors } from '../../api/errors.js';
import type { HandlerContext } from './context.js';
import { negotiateWatch } from '../negotiate.js';
import { protobufWatchMediaType } from '../../api/protobuf/index.js';
import { partialMetadataOf, watchFrame } from '../encoded.js';
import { includeObjectOf, intParam, listParamsOf } from './params.js';
import { toTable } from '../table.js';
import type { WatchEvent } from '../../storage/interface.js';
import { watchBatches } from '../../storage/watch-batches.js';

function timeoutSecondsOf(ctx: HandlerContext): number {
  // listParamsOf has already refused a timeoutSeconds Go cannot parse.
  const given = intParam(ctx.query, 'timeoutSeconds') ?? 0;
  if (given !== 0) return given;
  // Upstream spreads watch lifetimes over [min, 2*min) so clients do not reconnect in lockstep.
  const min = ctx.minRequestTimeoutSeconds;
  return min > 0 ? min + randomInt(min) : 0;
}

/** Resolves once res drains or closes, leaving no listener behind (a watch waits many times). */
function drainedOrClosed(res: HandlerContext['res']): Promise<void> {
  return new Promise<void>(resolve => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}

export async function watchHandler(ctx: HandlerContext): Promise<void> {
  const neg = negotiateWatch(ctx.req, ['Table', 'PartialObjectMetadata']);
  const params = listParamsOf(ctx.query, true);
  // A watch of one object is a watch of the collection filtered by name, as upstream does it.
  if (ctx.ri.name) {
    params.fieldSelector = [params.fieldSelector, `metadata.name=${ctx.ri.name}`].filter(Boolean).join(',');
  }
  const includeObject = includeObjectOf(ctx.query);
  const bookmarks = ['true', '1'].includes(ctx.query.get('allowWatchBookmarks') ?? '');
  const timeoutSeconds = timeoutSecondsOf(ctx);
  // Shared: events are the watch cache's objects, encoded once for every watcher (never mutated here).
  const watcher = ctx.store.watch(ctx.ri.namespace, { ...params, allowWatchBookmarks: bookmarks }, { shared: true });

  const res = ctx.res;
  res.status(200);
  res.setHeader('Content-Type', neg.format === 'protobuf' ? protobufWatchMediaType : neg.contentType);
  res.setHeader('Transfer-Encoding', 'chunked');
  res.flushHeaders();

  let timer: NodeJS.Timeout | undefined;
  const stop = () => watcher.stop();
  // A negative timeout ends the watch at once, as Go's timer does.
  if (timeoutSeconds !== 0) timer = setTimeout(stop, Math.max(timeoutSeconds, 0) * 1000);
  ctx.req.on('close', stop);
  res.on('close', stop);

  let first = true;
  const format = neg.format;
  const frame = (ev: WatchEvent): string | Buffer => {
    if (ev.type === 'ERROR' || ev.type === 'BOOKMARK') return watchFrame(format, ev.type, ev.object);
    if (neg.view === 'Table') {
      // Upstream sends the column definitions with the first event only.
      const table = toTable(ctx.info, [ev.object], { includeObject, noHeaders: !first });
      first = false;
      return watchFrame(format, ev.type, table);
    }
    if (neg.view === 'PartialObjectMetadata') return watchFrame(format, ev.type, partialMetadataOf(ev.object));
    return watchFrame(format, ev.type, ev.object);
  };
  let corked = false;
  const uncork = () => {
    if (!corked) return;
    corked = false;
    res.uncork();
  };
  try {
    // A burst the watch cache fanned out in one turn comes as one batch and leaves in one socket write.
    batches: for await (const batch of watchBatches(watcher)) {
      corked = true;
      res.cork();
      for (const ev of batch) {
        // Upstream negotiates this view for a watch, fails to transform the first event and ends the stream.
        if (res.destroyed || neg.view === 'PartialObjectMetadataList') break batches;
        if (ev.type === 'BOOKMARK') {
          ev.object.apiVersion = ctx.info.group ? `${ctx.info.group}/${ctx.info.version}` : ctx.info.version;
          ev.object.kind = ctx.info.kind;
        }
        // Respect backpressure: a slow client slows its own watch, nothing else.
        if (!res.write(frame(ev)) && !res.destroyed) {
          uncork();
          await drainedOrClosed(res);
          corked = true;
          res.cork();
        }
      }
      uncork();
    }
  } finally {
    if (timer) clearTimeout(timer);
    watcher.stop();
    // Never leave the socket corked: a keep-alive connection goes on to other responses.
    uncork();
    if (!res.destroyed) res.end();
  }
}
