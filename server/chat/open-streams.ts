import { HttpError } from '../http/errors.js';

/** Caps on open stream responses on this instance. */
export interface OpenStreamLimits {
  /** Most open streams one user may have (`MAX_CONCURRENT_STREAMS_PER_USER`). */
  perUser: number;
  /**
   * Most open streams of the guests from one client address (`MAX_CONCURRENT_GUEST_STREAMS_PER_IP`):
   * each guest identity has a cap of its own, and one client can get many identities.
   */
  perGuestAddress: number;
  /** Most open streams on this instance (`MAX_OPEN_STREAMS`). */
  total: number;
}

/**
 * Counts the stream responses open on this instance, per user, per guests' address and in all,
 * and refuses one more past a cap: 429 for a user (or an address's guests) over theirs, 503 when
 * the instance is full (a load balancer or the client's retry then tries elsewhere).
 */
export class OpenStreams {
  private readonly perUser = new Map<string, number>();
  private readonly perGuestAddress = new Map<string, number>();
  private total = 0;

  constructor(private readonly limits: OpenStreamLimits) {}

  /** Open streams now. */
  get size(): number {
    return this.total;
  }

  /**
   * Counts one more stream for `user` — and for `guestAddress`, the address a guest's token was
   * issued to — and returns the function that uncounts it (call it once).
   * @throws HttpError 429 or 503 past a cap.
   */
  acquire(user: string, guestAddress?: string): () => void {
    const mine = this.perUser.get(user) ?? 0;
    if (mine >= this.limits.perUser) {
      throw new HttpError(429, 'too_many_streams', `You already have ${mine} streams open; the limit is ${this.limits.perUser}.`, { 'Retry-After': '1' });
    }
    const guests = guestAddress === undefined ? 0 : (this.perGuestAddress.get(guestAddress) ?? 0);
    if (guests >= this.limits.perGuestAddress) {
      throw new HttpError(429, 'too_many_streams', `Guests at your address already have ${guests} streams open; the limit is ${this.limits.perGuestAddress}.`, { 'Retry-After': '1' });
    }
    if (this.total >= this.limits.total) {
      throw new HttpError(503, 'server_full', 'This server has as many open streams as it can hold; retry shortly.', { 'Retry-After': '2' });
    }
    countOne(this.perUser, user, 1);
    if (guestAddress !== undefined) countOne(this.perGuestAddress, guestAddress, 1);
    this.total += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total -= 1;
      countOne(this.perUser, user, -1);
      if (guestAddress !== undefined) countOne(this.perGuestAddress, guestAddress, -1);
    };
  }
}

/** Adds `by` to the count of `key`, forgetting keys whose count falls to zero. */
function countOne(counts: Map<string, number>, key: string, by: 1 | -1): void {
  const count = (counts.get(key) ?? 0) + by;
  if (count <= 0) counts.delete(key);
  else counts.set(key, count);
}
