// Upstream's request work estimator (apiserver/pkg/util/flowcontrol/request): how many seats a
// request takes and for how long. A list is charged one seat per 100 objects it will touch
// (from the object count tracker), a write one seat per 10 watchers its event will reach, held
// 5 ms past the write; everything else one seat. No request takes more than the level's max.
import type { RequestInfo } from '../filters/request-info.js';
import { groupResourceKey, type ObjectCount } from './object-count-tracker.js';

export interface WorkEstimate {
  /** Seats while the request executes. */
  initialSeats: number;
  /** Seats held after it finishes, for its watch fan-out (0: none). */
  finalSeats: number;
  additionalLatencyMs: number;
}

export interface WorkEstimatorDeps {
  objectCount(key: string): ObjectCount;
  interestedWatches(info: RequestInfo): number;
}

const minimumSeats = 1;
/** Upstream's MaximumSeatsLimit: the most any one request is charged. */
export const maximumSeatsLimit = 10;
const objectsPerSeat = 100;
const watchesPerSeat = 10;
const eventAdditionalDurationMs = 5;

const oneSeat: WorkEstimate = { initialSeats: minimumSeats, finalSeats: 0, additionalLatencyMs: 0 };

/** The watch cache serves a list unless it pages, needs an exact resourceVersion or continues (1.32). */
function listsFromStorage(q: URLSearchParams): boolean {
  const rv = q.get('resourceVersion') ?? '';
  const match = q.get('resourceVersionMatch') ?? '';
  const limit = Number(q.get('limit') ?? 0);
  return (q.get('continue') ?? '') !== '' || (limit > 0 && rv !== '0') || (match !== '' && match !== 'NotOlderThan');
}

function listSeats(info: RequestInfo, q: URLSearchParams, maxSeats: number, deps: WorkEstimatorDeps): number {
  // A get by name, even through list semantics, touches one object.
  if (info.name !== '') return minimumSeats;
  if (info.verb === 'watch' && q.get('sendInitialEvents') !== 'true') return minimumSeats;
  const limitText = q.get('limit');
  if (limitText !== null && !/^\d+$/.test(limitText)) return maxSeats;
  const stored = deps.objectCount(groupResourceKey(info.apiGroup, info.resource));
  if (stored === 'stale') return maxSeats;
  if (stored === 'not-found') return minimumSeats;
  const requested = Number(limitText ?? 0);
  const limit = requested > 0 && requested < stored ? requested : stored;
  const selective = (q.get('labelSelector') ?? '') !== '' || (q.get('fieldSelector') ?? '') !== '';
  let objects: number;
  if (info.verb === 'watch' || !listsFromStorage(q)) objects = stored;
  else if (selective) objects = stored + limit;
  else objects = 2 * limit;
  return Math.min(maxSeats, Math.max(minimumSeats, Math.ceil(objects / objectsPerSeat)));
}

function mutatingEstimate(info: RequestInfo, maxSeats: number, deps: WorkEstimatorDeps): WorkEstimate {
  const watches = deps.interestedWatches(info);
  // Few watchers cost too little to be worth the extra latency of holding seats.
  if (watches < watchesPerSeat) return oneSeat;
  const wanted = Math.ceil(watches / watchesPerSeat);
  const finalSeats = Math.min(wanted, maxSeats);
  // The fan-out's area (seats x 5 ms) is kept, reshaped narrower and longer when capped.
  return { initialSeats: minimumSeats, finalSeats, additionalLatencyMs: (wanted * eventAdditionalDurationMs) / finalSeats };
}

/**
 * The seats for one request. `levelMaxSeats` is the priority level's own cap (0: none known);
 * the result never exceeds `maximumSeatsLimit`.
 */
export function estimateWork(info: RequestInfo, query: URLSearchParams, levelMaxSeats: number, deps: WorkEstimatorDeps): WorkEstimate {
  const maxSeats = levelMaxSeats > 0 && levelMaxSeats < maximumSeatsLimit ? levelMaxSeats : maximumSeatsLimit;
  if (!info.isResourceRequest) return oneSeat;
  switch (info.verb) {
    case 'list':
    case 'watch':
      return { initialSeats: listSeats(info, query, maxSeats, deps), finalSeats: 0, additionalLatencyMs: 0 };
    case 'create':
    case 'update':
    case 'patch':
    case 'delete':
      return mutatingEstimate(info, maxSeats, deps);
    default:
      return oneSeat;
  }
}
