import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Retries `check` until it stops throwing, then returns its result; rethrows its last failure
 * after `timeoutMs`. For waiting on TTLs and reconnects without betting on their exact timing.
 */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 10_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    await sleep(intervalMs);
  }
}

/** Rejects with `message` when `promise` has not settled after `ms`: a clear failure instead of a test timeout. */
export async function within<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
