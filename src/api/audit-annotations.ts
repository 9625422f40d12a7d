// Audit annotations for the request being served (upstream's audit.AddAuditAnnotation on the
// request context), for code below the handlers that has no request object, such as admission
// plugins. The audit filter binds them to the request's audit event.
import { AsyncLocalStorage } from 'node:async_hooks';

const sink = new AsyncLocalStorage<(key: string, value: string) => void>();

export function withAuditAnnotations<T>(record: (key: string, value: string) => void, fn: () => T): T {
  return sink.run(record, fn);
}

/** Records an annotation on the current request's audit event; dropped when nothing audits it. */
export function addRequestAuditAnnotation(key: string, value: string): void {
  sink.getStore()?.(key, value);
}
