// Runs an async step now and then every interval (never overlapping), logging failures, until
// stopped: upstream's wait.Until for the in-process loops.
import { log } from '../observability/logger.js';

export interface Periodic {
  /** Stops the loop and waits for a running step to end. */
  stop(): Promise<void>;
}

export function runPeriodically(name: string, intervalMs: number, step: () => Promise<void>): Periodic {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = step()
      .catch(e => log.warn(`${name} failed`, { err: e instanceof Error ? e.message : String(e) }))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, intervalMs);
      });
  };
  tick();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
