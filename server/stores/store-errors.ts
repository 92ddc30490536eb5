/**
 * Thrown by a store when its back end (Redis) cannot be reached or does not answer in time.
 * The error handler answers it with 503 and `Retry-After`; the client reconnects by itself once
 * the back end is back, so retrying the request is the fix.
 */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';

  constructor(options?: { cause?: unknown; store?: string }) {
    const store = options?.store ?? 'The stream store (Redis)';
    const setting = options?.store ? '' : ' and REDIS_URL points at it';
    super(`${store} is unreachable; check that it is running${setting}, then retry.`, options);
  }
}

/**
 * Thrown to a producer appending to a stream that was already ended without it: a reader or the
 * sweep of some instance took it for dead (its heartbeat lapsed while Redis stalled or the
 * process paused) and ended the stream, and the reply in its conversation, with an `error` event.
 * Nothing is left for the producer to write; its generation should stop.
 */
export class StreamEndedError extends Error {
  override name = 'StreamEndedError';

  constructor(options?: { cause?: unknown }) {
    super('The stream was already ended by another instance, which took its producer for dead.', options);
  }
}
