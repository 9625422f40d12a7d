// Background work on a timer that never keeps the process alive.

/**
 * Runs fn every intervalMs (never when intervalMs <= 0), passing what it throws or rejects with to
 * onError; returns the stop function.
 */
export function every(intervalMs: number, fn: () => unknown, onError: (e: unknown) => void): () => void {
  if (intervalMs <= 0) return () => {};
  const timer = setInterval(() => {
    try {
      Promise.resolve(fn()).catch(onError);
    } catch (e) {
      onError(e);
    }
  }, intervalMs).unref();
  return () => clearInterval(timer);
}
