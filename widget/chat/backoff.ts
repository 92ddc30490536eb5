/** Retry policy for a broken stream. */
export const RETRY_POLICY = {
  /** First retry after about this long, in ms. */
  baseMs: 500,
  /** Longest wait between two attempts, in ms. */
  maxMs: 15_000,
  /** Consecutive failures (while online) before the widget gives up. */
  maxFailures: 8,
} as const;

/**
 * The wait before retry number `failures` (1, 2, …): exponential, capped, with jitter between
 * half and all of it so that many widgets cut by the same outage do not return in step. A
 * `Retry-After` from the server is honoured when longer.
 */
export function backoffDelay(failures: number, retryAfterMs = 0): number {
  const ceiling = Math.min(RETRY_POLICY.maxMs, RETRY_POLICY.baseMs * 2 ** Math.max(0, failures - 1));
  return Math.max(retryAfterMs, ceiling / 2 + Math.random() * (ceiling / 2));
}

/**
 * Resolves after `delayMs` if the browser is online; while it is offline it waits for the
 * `online` event instead, and an `online` event during the wait ends it at once. Resolves early
 * (without throwing) when `signal` aborts: the caller checks `signal.aborted`.
 */
export function waitToRetry(delayMs: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      window.removeEventListener('online', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(() => {
      if (navigator.onLine) done();
    }, delayMs);
    window.addEventListener('online', done);
    signal.addEventListener('abort', done);
    if (signal.aborted) done();
  });
}
