// WATCH: a chunked stream of JSON lines {"type": ..., "object": ...} until the timeout,
// the client going away, or the backend ending the watch.
import { randomInt } from 'node:crypto';
import { stringify as toYaml } from 'yaml';
import { errors } from '../../api/errors.js';
import type { HandlerContext } from './context.js';
import { negotiate } from '../negotiate.js';
import { encodeProtobufWatchEvent, protobufWatchMediaType } from '../../api/protobuf/index.js';
import { includeObjectOf, intParam, listParamsOf } from './params.js';
import { toPartialObjectMetadata, toTable } from '../table.js';
import type { WatchEvent } from '../../storage/interface.js';

function timeoutSecondsOf(ctx: HandlerContext): number {
  // listParamsOf has already refused a timeoutSeconds Go cannot parse.
  const given = intParam(ctx.query, 'timeoutSeconds') ?? 0;
  if (given !== 0) return given;
  // Upstream spreads watch lifetimes over [min, 2*min) so clients do not reconnect in lockstep.
  const min = ctx.minRequestTimeoutSeconds;
  return min > 0 ? min + randomInt(min) : 0;
}

/** protobuf (src/api/protobuf): a length-prefixed WatchEvent frame. */
function protobufFrame(body: unknown): Buffer {
  const ev = body as { type: string; object: Record<string, unknown> };
  return encodeProtobufWatchEvent(ev.type, ev.object);
}

export async function watchHandler(ctx: HandlerContext): Promise<void> {
  const neg = negotiate(ctx.req, ['Table', 'PartialObjectMetadata']);
  const params = listParamsOf(ctx.query, true);
  // A watch of one object is a watch of the collection filtered by name, as upstream does it.
  if (ctx.ri.name) {
    params.fieldSelector = [params.fieldSelector, `metadata.name=${ctx.ri.name}`].filter(Boolean).join(',');
  }
  const includeObject = includeObjectOf(ctx.query);
  const bookmarks = ['true', '1'].includes(ctx.query.get('allowWatchBookmarks') ?? '');
  const timeoutSeconds = timeoutSecondsOf(ctx);
  const watcher = ctx.store.watch(ctx.ri.namespace, { ...params, allowWatchBookmarks: bookmarks });

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
  const frame = (ev: WatchEvent): unknown => {
    if (ev.type === 'ERROR' || ev.type === 'BOOKMARK') return ev;
    if (neg.view === 'Table') {
      // Upstream sends the column definitions with the first event only.
      const table = toTable(ctx.info, [ev.object], { includeObject, noHeaders: !first });
      first = false;
      return { type: ev.type, object: table };
    }
    if (neg.view === 'PartialObjectMetadata') return { type: ev.type, object: toPartialObjectMetadata(ev.object) };
    return ev;
  };
  try {
    for await (const ev of watcher) {
      if (res.destroyed) break;
      if (ev.type === 'BOOKMARK') {
        ev.object.apiVersion = ctx.info.group ? `${ctx.info.group}/${ctx.info.version}` : ctx.info.version;
        ev.object.kind = ctx.info.kind;
      }
      const body = frame(ev);
      const ok = res.write(neg.format === 'protobuf' ? protobufFrame(body) : neg.format === 'yaml' ? `---\n${toYaml(body)}` : `${JSON.stringify(body)}\n`);
      // Respect backpressure: a slow client slows its own watch, nothing else.
      if (!ok && !res.destroyed) await new Promise<void>(resolve => { res.once('drain', resolve); res.once('close', resolve); });
    }
  } finally {
    if (timer) clearTimeout(timer);
    watcher.stop();
    if (!res.destroyed) res.end();
  }
}
