// The log backend (upstream's plugin/pkg/audit/log): one line per event, JSON or the legacy
// text format, to stdout ("-") or to a lumberjack-rotated file.
import { handlePluginError, type AuditBackend } from './backend.js';
import { eventToJSON, eventToLegacyLine, type AuditEvent } from './event.js';
import { ensureLogFile, RotatingFile, type RotationOptions } from './rotating-file.js';

export type LogFormat = 'json' | 'legacy';

export interface LogBackendConfig extends RotationOptions {
  /** A file path, or "-" for standard output. */
  path: string;
  format: LogFormat;
}

export function formatLogLine(ev: AuditEvent, format: LogFormat): string {
  return format === 'legacy' ? `${eventToLegacyLine(ev)}\n` : `${JSON.stringify(eventToJSON(ev))}\n`;
}

interface LineSink {
  write(line: string): void;
  close(): Promise<void>;
}

function stdoutSink(): LineSink {
  return {
    write: line => { process.stdout.write(line); },
    close: () => new Promise<void>(resolve => { process.stdout.write('', () => resolve()); }),
  };
}

export class LogBackend implements AuditBackend {
  private readonly sink: LineSink;

  constructor(private readonly cfg: LogBackendConfig) {
    if (cfg.path === '-') {
      this.sink = stdoutSink();
    } else {
      ensureLogFile(cfg.path);
      const file = new RotatingFile(cfg.path, cfg);
      this.sink = { write: line => file.write(line), close: () => file.close() };
    }
  }

  async processEvents(events: readonly AuditEvent[]): Promise<boolean> {
    let ok = true;
    for (const ev of events) {
      try {
        this.sink.write(formatLogLine(ev, this.cfg.format));
      } catch (e) {
        handlePluginError('log', e, [ev]);
        ok = false;
      }
    }
    return ok;
  }

  shutdown(): Promise<void> {
    return this.sink.close();
  }
}
