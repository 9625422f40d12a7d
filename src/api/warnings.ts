// Warnings for the client of the request being served (upstream's warning.AddWarning on the
// request context): code below the handlers, admission webhooks' answers among them, adds them
// and the filter that opened the request turns them into Warning headers.
import { AsyncLocalStorage } from 'node:async_hooks';

const sink = new AsyncLocalStorage<(message: string) => void>();

export function withWarnings<T>(record: (message: string) => void, fn: () => T): T {
  return sink.run(record, fn);
}

/** Records a warning for the current request; outside a request it is dropped. */
export function addWarning(message: string): void {
  sink.getStore()?.(message);
}
