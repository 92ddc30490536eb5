/**
 * How many messages one socket may still send: a token bucket that holds a quarter-minute's
 * worth of `perMinute` and refills continuously. A well-behaved client sends a handful per
 * reply (chat, perhaps stop or resume); a client past its budget is flooding.
 */
export class WsMessageBudget {
  private tokens: number;
  private refilledAt: number;
  private readonly capacity: number;
  private readonly perMs: number;

  /** `now` is injectable for unit tests. Defaults to `performance.now`. */
  constructor(
    perMinute: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.capacity = Math.max(1, Math.ceil(perMinute / 4));
    this.perMs = perMinute / 60_000;
    this.tokens = this.capacity;
    this.refilledAt = now();
  }

  /** Spends one message; false when the budget is exhausted. */
  take(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + (now - this.refilledAt) * this.perMs);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
