// Upstream's WithMaxInFlightLimit (apiserver/pkg/server/filters/maxinflight.go): separate limits
// for read-only and mutating requests; long-running requests take no slot; past a limit the
// request gets upstream's plain-text 429 with Retry-After: 1. apiserver_current_inflight_requests
// reports, each second, the highest concurrency seen during that second.
import type { Request, Response, NextFunction, RequestHandler } from 'express';
import { metrics } from '../observability/metrics.js';
import { isLongRunning } from './timeout.js';
import { errors } from '../api/errors.js';
import { writeError } from '../endpoints/status-writer.js';

const readOnlyVerbs = new Set(['get', 'list', 'watch']);
const tooManyRequestsMessage = 'Too many requests, please try again later.';

type Kind = 'readOnly' | 'mutating';

/** Counts the requests of one kind and remembers the highest count since the last publish. */
class Slots {
  inFlight = 0;
  watermark = 0;
  constructor(readonly limit: number) {}

  tryAcquire(): boolean {
    if (this.inFlight >= this.limit) return false;
    this.inFlight++;
    this.watermark = Math.max(this.watermark, this.inFlight);
    return true;
  }

  release(): void {
    this.inFlight--;
  }

  /** The watermark to publish; the next period starts from the current count. */
  takeWatermark(): number {
    const w = this.watermark;
    this.watermark = this.inFlight;
    return w;
  }
}

export interface MaxInFlightOptions {
  /** --max-requests-inflight (default 400); 0 means unlimited. */
  maxRequestsInFlight?: number;
  /** --max-mutating-requests-inflight (default 200); 0 means unlimited. */
  maxMutatingRequestsInFlight?: number;
  /** Requests never refused (upstream: users in system:masters). */
  isPrivileged?: (req: Request) => boolean;
}

export interface MaxInFlight {
  filter: RequestHandler;
  /** Writes the last period's watermarks to apiserver_current_inflight_requests (done every second). */
  publish(): void;
  /** Stops the once-a-second publishing. */
  stop(): void;
}

/** Plain text, as upstream's tooManyRequests writes it with http.Error. */
/**
 * Upstream writes this 429 as plain text; we answer with a TooManyRequests Status (same code,
 * message and Retry-After) so every error body is a Status, which clients decode either way.
 */
function writeTooManyRequests(res: Response): void {
  writeError(res, errors.tooManyRequests(tooManyRequestsMessage, 1));
}

export function createMaxInFlight(opts: MaxInFlightOptions = {}): MaxInFlight {
  const readOnlyLimit = opts.maxRequestsInFlight ?? 400;
  const mutatingLimit = opts.maxMutatingRequestsInFlight ?? 200;
  const slots: Record<Kind, Slots | undefined> = {
    readOnly: readOnlyLimit > 0 ? new Slots(readOnlyLimit) : undefined,
    mutating: mutatingLimit > 0 ? new Slots(mutatingLimit) : undefined,
  };

  const publish = (): void => {
    for (const kind of ['readOnly', 'mutating'] as const) {
      metrics.currentInflightRequests.set({ request_kind: kind }, slots[kind]?.takeWatermark() ?? 0);
    }
  };
  const enabled = slots.readOnly !== undefined || slots.mutating !== undefined;
  const timer = enabled ? setInterval(publish, 1000) : undefined;
  timer?.unref();

  const filter = (req: Request, res: Response, next: NextFunction): void => {
    if (!enabled || isLongRunning(req)) {
      next();
      return;
    }
    const verb = req.requestInfo?.verb ?? req.method.toLowerCase();
    const s = slots[readOnlyVerbs.has(verb) ? 'readOnly' : 'mutating'];
    if (!s) {
      next();
      return;
    }
    if (!s.tryAcquire()) {
      if (opts.isPrivileged?.(req)) {
        next();
        return;
      }
      req.terminatedWith = 429;
      writeTooManyRequests(res);
      return;
    }
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      s.release();
    };
    res.once('finish', release);
    res.once('close', release);
    next();
  };

  return { filter, publish, stop: () => clearInterval(timer) };
}
