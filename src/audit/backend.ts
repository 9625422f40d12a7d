// What an audit backend is (upstream's audit.Backend), how several are combined, and how a
// plugin reports events it lost (apiserver_audit_error_total and an error log line).
import { log } from '../observability/logger.js';
import { metrics } from '../observability/metrics.js';
import { eventToLegacyLine, type AuditEvent } from './event.js';

export interface AuditBackend {
  /** Hands events over; false when one was lost (only blocking-strict callers act on it). */
  processEvents(events: readonly AuditEvent[]): Promise<boolean>;
  /** Flushes what is buffered and releases files and connections. */
  shutdown(): Promise<void>;
}

/** The three --audit-*-mode values. */
export type AuditMode = 'blocking' | 'blocking-strict' | 'batch';

/** Counts and logs events a plugin could not deliver, as upstream's audit.HandlePluginError. */
export function handlePluginError(plugin: string, err: unknown, events: readonly AuditEvent[]): void {
  metrics.auditErrors.inc({ plugin }, events.length);
  const reason = err instanceof Error ? err.message : String(err);
  log.error(`Error in audit plugin '${plugin}' affecting ${events.length} audit events: ${reason}`, { impactedEvents: events.map(eventToLegacyLine) });
}

/** Blocking mode: the request waits for the backend but never fails because of it. */
export function ignoreErrors(b: AuditBackend): AuditBackend {
  return {
    async processEvents(events) {
      await b.processEvents(events);
      return true;
    },
    shutdown: () => b.shutdown(),
  };
}

export function unionBackend(backends: AuditBackend[]): AuditBackend {
  if (backends.length === 1) return backends[0]!;
  return {
    async processEvents(events) {
      const results = await Promise.all(backends.map(b => b.processEvents(events)));
      return results.every(Boolean);
    },
    async shutdown() {
      await Promise.all(backends.map(b => b.shutdown()));
    },
  };
}
