/** Events this close together count as one delivery, in ms. */
const BURST_WINDOW_MS = 50;
/** A delivery this large… */
const MIN_BURST_EVENTS = 10;
/** …whose first event came this long after the request, in ms, was held back on the way. */
const LATE_MS = 2000;

/** Warned already: once per page is enough to tell the site owner. */
let warned = false;

/**
 * Spots a proxy that buffers the event stream: the API writes `start` at once and chunks as they
 * are made, so a fresh stream whose first events arrive seconds late and all together was held
 * back by something in between (nginx `proxy_buffering`, a CDN, a corporate proxy).
 */
export class BufferingDetector {
  private first = -1;
  private count = 0;
  private watching: boolean;

  /**
   * @param fresh True for a new reply; a resume legitimately replays a burst of old events.
   * @param startedAt When the request was sent, from `performance.now()`.
   */
  constructor(fresh: boolean, private readonly startedAt = performance.now()) {
    this.watching = fresh && !warned;
  }

  /** Call on every event received. */
  see(now = performance.now()): void {
    if (!this.watching) return;
    if (this.first < 0) this.first = now;
    if (now - this.first > BURST_WINDOW_MS) {
      this.watching = false;
      return;
    }
    this.count += 1;
    if (this.count >= MIN_BURST_EVENTS && this.first - this.startedAt >= LATE_MS && !warned) {
      warned = true;
      this.watching = false;
      console.warn(
        `ngx-chat: a proxy is buffering the stream: ${this.count} events arrived at once ${Math.round(this.first - this.startedAt)} ms after the request. ` +
          'Turn buffering off for text/event-stream responses (nginx: proxy_buffering off).',
      );
    }
  }
}
