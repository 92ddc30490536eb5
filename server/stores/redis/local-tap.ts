import type { StoredEvent } from '../event-log.js';

/**
 * A reader's queue on a stream produced by this instance: the producer pushes each event once
 * Redis has it (so a reader here never gets ahead of a reader elsewhere), and the reader takes
 * them in batches — from memory, with no Redis round trip. Closed when the producer stops
 * writing, with or without a terminal event; a reader that did not get one then reads on from
 * Redis, where whoever ended the stream wrote it.
 */
export class LocalTap {
  private queue: StoredEvent[] = [];
  private wake: (() => void) | undefined;
  private closed = false;
  private failure: unknown;

  constructor(private readonly onClose: (tap: LocalTap) => void) {}

  /** The seq of the oldest event waiting to be taken, if any. */
  firstSeq(): number | undefined {
    return this.queue[0]?.seq;
  }

  push(event: StoredEvent): void {
    if (this.closed) return;
    this.queue.push(event);
    this.wake?.();
  }

  /**
   * The events pushed since the last take, waiting for one; undefined once closed and empty, or
   * when `signal` aborts. Throws the failure once a {@link fail}ed tap is empty.
   */
  async take(signal: AbortSignal): Promise<StoredEvent[] | undefined> {
    while (this.queue.length === 0) {
      if (this.failure !== undefined) throw this.failure;
      if (this.closed || signal.aborted) return undefined;
      await new Promise<void>((resolve) => {
        const done = () => {
          this.wake = undefined;
          signal.removeEventListener('abort', done);
          resolve();
        };
        this.wake = done;
        signal.addEventListener('abort', done, { once: true });
      });
    }
    const batch = this.queue;
    this.queue = [];
    return batch;
  }

  /**
   * Closes the tap with `err`: the producer cannot reach Redis (it retries on), and a reader must
   * not wait on it silently — it is told, as a reader elsewhere is, and resumes later.
   */
  fail(err: unknown): void {
    if (this.closed) return;
    this.failure = err;
    this.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose(this);
    this.wake?.();
  }
}
