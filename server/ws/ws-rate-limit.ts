import { MemoryStore, type Options, type Store } from 'express-rate-limit';
import { HttpError } from '../errors.js';
import type { Logger } from '../logger.js';

const WINDOW_MS = 60_000;
/** The prefix and key of `chatRateLimit` (server/rate-limits.ts): with Redis, both transports share one count per user. */
const PREFIX = 'rl:chat:';

/**
 * `RATE_LIMIT_PER_MINUTE` for messages sent over the WebSocket, which never pass through the
 * Express middleware. With Redis the counter is the HTTP route's own; in memory it is this
 * transport's, so one user can send the limit over each.
 */
export class MessageRateLimit {
  private readonly store: Store;

  /**
   * @param limit New messages per user per minute.
   * @param shared Makes the Redis store when `REDIS_URL` is set (`services.rateLimitStore`).
   */
  constructor(
    private readonly limit: number,
    shared: ((prefix: string) => Store) | undefined,
    private readonly log: Logger,
  ) {
    this.store = shared?.(PREFIX) ?? new MemoryStore();
    // Store.init is typed with the middleware's whole Options; both stores read only windowMs.
    void Promise.resolve(this.store.init?.({ windowMs: WINDOW_MS } as Options)).catch((err: unknown) => log.warn({ err }, 'rate-limit store failed to start'));
  }

  /**
   * Counts one message for `user`.
   * @throws HttpError 429 `rate_limited` (with `Retry-After`) past the limit.
   */
  async hit(user: string): Promise<void> {
    let hits: number;
    let resetTime: Date | undefined;
    try {
      ({ totalHits: hits, resetTime } = await this.store.increment(`user:${user}`));
    } catch (err) {
      // As the HTTP limiter (passOnStoreError): a failing store lets messages through rather than
      // taking the API down with it.
      this.log.warn({ err }, 'rate-limit store failed; message let through');
      return;
    }
    if (hits <= this.limit) return;
    const retryAfter = Math.max(1, Math.ceil(((resetTime?.getTime() ?? Date.now() + WINDOW_MS) - Date.now()) / 1000));
    throw new HttpError(429, 'rate_limited', `Too many messages; retry in ${retryAfter} s.`, { 'Retry-After': String(retryAfter) });
  }

  /** Releases the in-memory store's timer. */
  close(): void {
    void this.store.shutdown?.();
  }
}
