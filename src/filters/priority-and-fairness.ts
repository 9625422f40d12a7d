// Upstream's WithPriorityAndFairness (apiserver/pkg/server/filters/priority-and-fairness.go):
// classifies each request to a FlowSchema and priority level, waits for a seat there, and sends
// back the X-Kubernetes-PF-* headers (UIDs, never names). A request that gets no seat answers 429
// with the level's Retry-After. Long-running requests other than watches are not limited; a
// watch holds its seat only until it is initialized (its response headers go out).
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { errors } from '../api/errors.js';
import { writeError } from '../endpoints/status-writer.js';
import type { APFController, Classification } from '../flowcontrol/controller.js';
import { DroppedRequestsTracker } from '../flowcontrol/dropped-requests.js';
import { objectCounts as serverObjectCounts, type ObjectCountTracker } from '../flowcontrol/object-count-tracker.js';
import { WatchTracker } from '../flowcontrol/watch-tracker.js';
import { estimateWork } from '../flowcontrol/work-estimator.js';
import { apfMetrics } from '../flowcontrol/metrics.js';
import { HEADER_FLOW_SCHEMA_UID, HEADER_PRIORITY_LEVEL_UID } from '../flowcontrol/types.js';
import { parseGoDurationMs } from '../options/go-duration.js';
import { isLongRunning } from './timeout.js';

export interface PriorityAndFairnessOptions {
  controller: APFController;
  /** --request-timeout in seconds: a request may wait a quarter of its deadline for a seat. */
  requestTimeoutSeconds: number;
  /** Stored object counts for the list work estimator (default: the server's, fed by the object counter). */
  objectCounts?: ObjectCountTracker;
}

const tooManyRequestsMessage = 'Too many requests, please try again later.';
/** Upstream's defaultRequestWaitLimit, for watches (they have no deadline); the cap is a minute. */
const watchWaitLimitMs = 15_000;
const maxWaitLimitMs = 60_000;

function setHeaders(res: Response, c: Classification): void {
  res.setHeader(HEADER_PRIORITY_LEVEL_UID, c.level.metadata.uid ?? '');
  res.setHeader(HEADER_FLOW_SCHEMA_UID, c.flowSchema.metadata.uid ?? '');
}

function waitLimitMs(req: Request, defaultSeconds: number, watch: boolean): number {
  if (watch) return watchWaitLimitMs;
  let deadlineMs = defaultSeconds * 1000;
  const requested = new URL(req.originalUrl, 'https://x').searchParams.get('timeout');
  if (requested) {
    try {
      deadlineMs = Math.min(deadlineMs, parseGoDurationMs(requested));
    } catch {
      // The timeout filter has already answered a malformed timeout.
    }
  }
  return Math.min(deadlineMs / 4, maxWaitLimitMs);
}

/** Calls `fn` once, when the response's headers are written or the response ends. */
function onInitialized(res: Response, fn: () => void): void {
  const writeHead = res.writeHead;
  res.writeHead = function (this: Response, ...args: unknown[]) {
    fn();
    return (writeHead as (...a: unknown[]) => Response).apply(this, args);
  } as Response['writeHead'];
  res.once('finish', fn);
  res.once('close', fn);
}

export function priorityAndFairnessFilter(opts: PriorityAndFairnessOptions): RequestHandler {
  const dropped = new DroppedRequestsTracker();
  const watches = new WatchTracker();
  const counts = opts.objectCounts ?? serverObjectCounts;
  const deps = { objectCount: (key: string) => counts.get(key), interestedWatches: watches.interested.bind(watches) };
  return (req: Request, res: Response, next: NextFunction): void => {
    const info = req.requestInfo;
    const user = req.user;
    const watch = info?.verb === 'watch';
    if (!info || !user || (isLongRunning(req) && !watch)) {
      next();
      return;
    }
    const aborted = new AbortController();
    // Only a request still waiting needs telling; aborting a finished one builds a DOMException for nothing.
    res.once('close', () => { if (!res.writableFinished) aborted.abort(); });
    const query = new URL(req.originalUrl, 'https://x').searchParams;
    const estimate = (levelMaxSeats: number) => estimateWork(info, query, levelMaxSeats, deps);
    opts.controller.admit({ info, user }, { estimate, waitLimitMs: waitLimitMs(req, opts.requestTimeoutSeconds, watch), signal: aborted.signal }).then(result => {
      setHeaders(res, result.classification);
      if ('rejected' in result) {
        const level = result.classification.level.metadata.name ?? '';
        dropped.record(level);
        if (res.writableEnded || res.destroyed) return;
        req.terminatedWith = 429;
        writeError(res, errors.tooManyRequests(tooManyRequestsMessage, dropped.retryAfter(level)));
        return;
      }
      const startedAt = performance.now();
      const labels = { priority_level: result.classification.level.metadata.name ?? '', flow_schema: result.classification.flowSchema.metadata.name ?? '', type: watch ? 'watch' : 'regular' };
      let observed = false;
      const release = () => {
        if (!observed) apfMetrics.executionSeconds.observe(labels, (performance.now() - startedAt) / 1000);
        observed = true;
        result.admitted.release();
      };
      if (watch) {
        onInitialized(res, release);
        // Counted while it runs, so writes pay for the events it will receive.
        const forget = watches.register(info);
        res.once('close', forget);
        res.once('finish', forget);
      }
      else {
        res.once('finish', release);
        res.once('close', release);
      }
      next();
    }, next);
  };
}
