// Background work on a timer that never keeps the process alive.

/** Runs fn every intervalMs (never when intervalMs <= 0), passing what it throws to onError; returns the stop function. */
export function every(intervalMs: number, fn: () => void, onError: (e: unknown) => void): () => void {
  if (intervalMs <= 0) return () => {};
  const timer = setInterval(() => {
    try {
      fn();
    } catch (e) {
      onError(e);
    }
  }, intervalMs).unref();
  return () => clearInterval(timer);
}
