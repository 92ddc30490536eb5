/**
 * Thrown by a store when its back end (Redis) cannot be reached or does not answer in time.
 * The error handler answers it with 503 and `Retry-After`; the client reconnects by itself once
 * the back end is back, so retrying the request is the fix.
 */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';

  constructor(options?: { cause?: unknown }) {
    super('The stream store (Redis) is unreachable; check that it is running and REDIS_URL points at it, then retry.', options);
  }
}
