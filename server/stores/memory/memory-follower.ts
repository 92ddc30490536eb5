import { isTerminal } from '../../../protocol/index.js';
import type { EventSink, StoredEvent } from '../event-log.js';
import type { StreamEvents } from './memory-stream-events.js';

/** What a {@link Follower} reads of a stream in the memory log. */
export interface FollowedStream {
  events: StreamEvents;
  /** The followers that have caught up; `append` hands each the event it stores. Dropped when the stream finishes. */
  followers: Set<Follower> | undefined;
}

/** Most events and bytes in one batch, so a reader far behind the producer never holds the whole log. */
const BATCH_EVENTS = 256;
const BATCH_BYTES = 64 * 1024;

/**
 * One reader of a stream in the memory log. It replays what the log holds in batches, then,
 * caught up, joins the stream's followers and is handed each event by `append` itself: no
 * promise, timer or iterator step between the producer and the socket. When its sink asks it to
 * wait, it leaves the followers, and catches up from the log once the wait is over.
 */
export class Follower {
  /** Settles when the follower ends: after the terminal event, when the stream finishes, on abort, or with the sink's error. */
  readonly done: Promise<void>;
  private resolve!: () => void;
  private reject!: (err: unknown) => void;
  private next: number;
  private ended = false;

  constructor(
    private readonly stream: FollowedStream,
    afterSeq: number,
    private readonly sink: EventSink,
    private readonly signal: AbortSignal,
  ) {
    this.next = afterSeq; // the event at index i has seq i + 1
    this.done = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    if (signal.aborted) {
      this.end();
      return;
    }
    signal.addEventListener('abort', this.onAbort, { once: true });
    this.catchUp();
  }

  /** Takes the event `append` just stored; only called while the follower is caught up. */
  appended(event: StoredEvent): void {
    this.next = event.seq;
    this.deliver([event]);
  }

  /** Ends the follower: its stream finished, or the log closed. */
  stop(): void {
    this.end();
  }

  private readonly onAbort = () => this.end();

  /** Delivers what the log holds past `next`, then waits among the followers for what comes next. */
  private catchUp(): void {
    const { events } = this.stream;
    while (!this.ended && this.next < events.length) {
      const batch = takeBatch(events, this.next);
      this.next += batch.length;
      if (!this.deliver(batch)) return;
    }
    if (this.ended) return;
    if (this.stream.followers) this.stream.followers.add(this);
    else this.end();
  }

  /** Hands the sink a batch; false when the follower has paused or ended. */
  private deliver(batch: StoredEvent[]): boolean {
    let wait: void | Promise<void>;
    try {
      wait = this.sink(batch);
    } catch (err) {
      this.fail(err);
      return false;
    }
    const terminal = isTerminal(batch[batch.length - 1].event);
    if (!wait) {
      if (terminal) this.end();
      return !terminal;
    }
    this.stream.followers?.delete(this);
    wait.then(
      () => (terminal ? this.end() : this.catchUp()),
      (err: unknown) => this.fail(err),
    );
    return false;
  }

  private end(): void {
    if (this.leave()) this.resolve();
  }

  /** Ends the follower with the sink's error, whatever was thrown (even `undefined`). */
  private fail(err: unknown): void {
    if (this.leave()) this.reject(err);
  }

  /** Stops following; false when the follower had already ended. */
  private leave(): boolean {
    if (this.ended) return false;
    this.ended = true;
    this.stream.followers?.delete(this);
    this.signal.removeEventListener('abort', this.onAbort);
    return true;
  }
}

function takeBatch(events: StreamEvents, from: number): StoredEvent[] {
  const batch: StoredEvent[] = [];
  let bytes = 0;
  for (let i = from; i < events.length && batch.length < BATCH_EVENTS; i += 1) {
    const data = events.dataAt(i);
    if (batch.length > 0 && bytes + data.length > BATCH_BYTES) break;
    bytes += data.length;
    batch.push({ seq: i + 1, event: events.nameAt(i), data });
  }
  return batch;
}
