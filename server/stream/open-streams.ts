import { HttpError } from '../errors.js';

/** Caps on open stream responses on this instance. */
export interface OpenStreamLimits {
  /** Most open streams one user may have (`MAX_CONCURRENT_STREAMS_PER_USER`). */
  perUser: number;
  /** Most open streams on this instance (`MAX_OPEN_STREAMS`). */
  total: number;
}

/**
 * Counts the stream responses open on this instance, per user and in all, and refuses one more
 * past a cap: 429 for a user over theirs, 503 when the instance is full (a load balancer or the
 * client's retry then tries elsewhere).
 */
export class OpenStreams {
  private readonly perUser = new Map<string, number>();
  private total = 0;

  constructor(private readonly limits: OpenStreamLimits) {}

  /** Open streams now. */
  get size(): number {
    return this.total;
  }

  /**
   * Counts one more stream for `user` and returns the function that uncounts it (call it once).
   * @throws HttpError 429 or 503 past a cap.
   */
  acquire(user: string): () => void {
    const mine = this.perUser.get(user) ?? 0;
    if (mine >= this.limits.perUser) {
      throw new HttpError(429, 'too_many_streams', `You already have ${mine} streams open; the limit is ${this.limits.perUser}.`, { 'Retry-After': '1' });
    }
    if (this.total >= this.limits.total) {
      throw new HttpError(503, 'server_full', 'This server has as many open streams as it can hold; retry shortly.', { 'Retry-After': '2' });
    }
    this.perUser.set(user, mine + 1);
    this.total += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total -= 1;
      const left = (this.perUser.get(user) ?? 1) - 1;
      if (left === 0) this.perUser.delete(user);
      else this.perUser.set(user, left);
    };
  }
}
