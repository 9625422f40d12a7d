// Event rows. core/v1 and events.k8s.io/v1 Events are one internal type upstream, printed alike;
// events.k8s.io names its fields differently, so both are read through one view.
import { parseTimestamp, since } from './duration.js';
import type { Obj } from './read.js';
import { int, obj, optObj, str } from './read.js';
import type { Cells, PrintContext, ResourcePrinter } from './types.js';

interface EventView {
  name: string;
  involved: Obj;
  source: Obj;
  reportingController: string;
  reportingInstance: string;
  message: string;
  firstTimestamp: unknown;
  lastTimestamp: unknown;
  eventTime: unknown;
  count: number;
  series: Obj | undefined;
  type: string;
  reason: string;
}

function coreView(o: Obj): EventView {
  return {
    name: str(obj(o.metadata).name),
    involved: obj(o.involvedObject),
    source: obj(o.source),
    reportingController: str(o.reportingComponent),
    reportingInstance: str(o.reportingInstance),
    message: str(o.message),
    firstTimestamp: o.firstTimestamp,
    lastTimestamp: o.lastTimestamp,
    eventTime: o.eventTime,
    count: int(o.count),
    series: optObj(o.series),
    type: str(o.type),
    reason: str(o.reason),
  };
}

function eventsV1View(o: Obj): EventView {
  return {
    name: str(obj(o.metadata).name),
    involved: obj(o.regarding),
    source: obj(o.deprecatedSource),
    reportingController: str(o.reportingController),
    reportingInstance: str(o.reportingInstance),
    message: str(o.note),
    firstTimestamp: o.deprecatedFirstTimestamp,
    lastTimestamp: o.deprecatedLastTimestamp,
    eventTime: o.eventTime,
    count: int(o.deprecatedCount),
    series: optObj(o.series),
    type: str(o.type),
    reason: str(o.reason),
  };
}

/** "component, host", each falling back to the reporting controller and instance. */
function sourceCell(e: EventView): string {
  const component = str(e.source.component) || e.reportingController;
  const instance = str(e.source.host) || e.reportingInstance;
  return instance ? `${component}, ${instance}` : component;
}

function eventCells(e: EventView, now: Date): Cells {
  const first = parseTimestamp(e.firstTimestamp) === undefined ? since(e.eventTime, now) : since(e.firstTimestamp, now);
  let last = parseTimestamp(e.lastTimestamp) === undefined ? first : since(e.lastTimestamp, now);
  let count = e.count;
  if (e.series) {
    last = since(e.series.lastObservedTime, now);
    count = int(e.series.count);
  } else if (count === 0) {
    // Singleton events of the new API carry no count.
    count = 1;
  }
  const kind = str(e.involved.kind).toLowerCase();
  const name = str(e.involved.name);
  return {
    'Last Seen': last,
    Type: e.type,
    Reason: e.reason,
    Object: name ? `${kind}/${name}` : kind,
    Subobject: str(e.involved.fieldPath),
    Source: sourceCell(e),
    Message: e.message.trim(),
    'First Seen': first,
    Count: count,
    Name: e.name,
  };
}

export const coreEventPrinter: ResourcePrinter = { cells: (o: Obj, ctx: PrintContext) => eventCells(coreView(o), ctx.now) };
export const eventsV1Printer: ResourcePrinter = { cells: (o: Obj, ctx: PrintContext) => eventCells(eventsV1View(o), ctx.now) };

