/** Whose bound a {@link StoreFullError} is: the user's own, or the store's, which everyone shares. */
export type StoreBound = 'user' | 'store';

/**
 * Thrown by a memory store asked to hold more than its bounds when nothing may be dropped for it:
 * a store never makes room by dropping another user's conversation, a conversation with a turn in
 * progress, or a stream still producing. The transports answer it with 429 (the user's own bound)
 * or 503 `store_full` (the store's), both with `Retry-After`.
 */
export class StoreFullError extends Error {
  override name = 'StoreFullError';

  /**
   * @param bound Whose bound was reached.
   * @param message What the user is told: what is full, and what to do.
   * @param retryAfterS When room is likely, in seconds.
   */
  constructor(
    readonly bound: StoreBound,
    message: string,
    readonly retryAfterS: number,
  ) {
    super(message);
  }
}
