import type { StreamEventName } from '../../../protocol/index.js';
import type { EventLog, EventSink, OpenResult, StoredEvent, StreamRecord, StreamWriter } from '../event-log.js';
import { Follower, type FollowedStream } from './memory-follower.js';
import { StreamEvents } from './memory-stream-events.js';
import { StoreFullError } from '../store-full-error.js';

/** Options for {@link MemoryEventLog}. */
export interface MemoryEventLogOptions {
  /** How long a finished stream stays readable, in seconds. Defaults to 600. */
  retentionS?: number;
  /**
   * Most streams kept at once, live or finished. Past it the oldest finished stream is dropped
   * (its reply is kept by its conversation); when none has finished, a new stream is refused.
   * Defaults to 10000.
   */
  maxStreams?: number;
  /** Most finished streams kept per owner; past it the owner's oldest is dropped. Defaults to 50. */
  maxFinishedPerUser?: number;
  /**
   * Called before a new stream is opened (a retry's request id has found its stream by then); may
   * refuse the stream by throwing, and nothing is then kept of it. Defaults to admitting all.
   */
  admit?: (record: StreamRecord) => void;
}

/** `Retry-After` when every stream held is live: the first to finish makes room. */
const FULL_RETRY_AFTER_S = 5;

/**
 * A stream and its events. Ten thousand retained streams hold over a hundred thousand events, so
 * they are kept as columns, then packed (see {@link StreamEvents}): an object each would double
 * what the garbage collector walks on every full collection.
 */
interface MemoryStream extends FollowedStream {
  record: StreamRecord;
  /** Whether someone asked the producer to stop, and who is told when they do. */
  stopped: boolean;
  stopListeners: Set<() => void> | undefined;
}

/** A finished stream in the retention queue, and in its owner's. */
interface Finished {
  streamId: string;
  requestKey: string;
  owner: string;
  expiresAt: number;
  /** Dropped before its turn at the front of the queue: past its owner's bound. */
  dropped: boolean;
}

/** The key of an `(owner, request_id)` claim. */
function requestKeyOf(owner: string, requestId: string): string {
  return `${owner}\n${requestId}`;
}

/**
 * The in-process event log, the default when `REDIS_URL` is unset. The producer hands each event
 * to the readers that have caught up (see {@link Follower}), so following a live stream costs no
 * polling and no wake-up. It is bounded per owner (finished streams) and in all, and never drops a
 * stream that is still producing.
 */
export class MemoryEventLog implements EventLog {
  private readonly streams = new Map<string, MemoryStream>();
  private readonly requests = new Map<string, string>();
  /**
   * Finished streams in the order they finished — with one retention time, also the order they
   * expire — from `head` on. Expired ones are dropped from the front as the log is used, so a
   * finished stream costs no timer, and the oldest is found without walking the stream map.
   */
  private finished: Finished[] = [];
  private head = 0;
  /** Each owner's finished streams still kept, oldest first: the queue's order, taken per owner. */
  private readonly finishedBy = new Map<string, Finished[]>();
  private readonly retentionMs: number;
  private readonly maxStreams: number;
  private readonly maxFinishedPerUser: number;
  private readonly admit: ((record: StreamRecord) => void) | undefined;

  constructor(options: MemoryEventLogOptions = {}) {
    this.retentionMs = (options.retentionS ?? 600) * 1000;
    this.maxStreams = options.maxStreams ?? 10_000;
    this.maxFinishedPerUser = options.maxFinishedPerUser ?? 50;
    this.admit = options.admit;
  }

  async open(record: StreamRecord): Promise<OpenResult> {
    this.dropExpired();
    const requestKey = requestKeyOf(record.owner, record.requestId);
    const existing = this.claimedBy(requestKey);
    if (existing !== undefined) return { kind: 'existing', streamId: existing };
    this.admit?.(record);
    if (this.streams.size >= this.maxStreams && !this.dropOldest()) {
      throw new StoreFullError('store', 'This server is producing as many replies as it can hold; try again shortly.', FULL_RETRY_AFTER_S);
    }
    const stream: MemoryStream = { record, events: new StreamEvents(), followers: new Set(), stopped: false, stopListeners: undefined };
    this.streams.set(record.streamId, stream);
    this.requests.set(requestKey, record.streamId);
    return { kind: 'opened', writer: this.writerFor(stream, requestKey) };
  }

  async get(streamId: string): Promise<StreamRecord | undefined> {
    this.dropExpired();
    return this.streams.get(streamId)?.record;
  }

  async claimed(owner: string, requestId: string): Promise<string | undefined> {
    this.dropExpired();
    return this.claimedBy(requestKeyOf(owner, requestId));
  }

  /** The stream a request key opened, while it is kept. */
  private claimedBy(requestKey: string): string | undefined {
    const streamId = this.requests.get(requestKey);
    return streamId !== undefined && this.streams.has(streamId) ? streamId : undefined;
  }

  follow(streamId: string, afterSeq: number, sink: EventSink, signal: AbortSignal): Promise<void> {
    this.dropExpired();
    const stream = this.streams.get(streamId);
    if (!stream) return Promise.resolve();
    return new Follower(stream, afterSeq, sink, signal).done;
  }

  async stop(streamId: string): Promise<void> {
    const stream = this.streams.get(streamId);
    if (!stream || stream.events.finished || stream.stopped) return;
    stream.stopped = true;
    for (const listener of stream.stopListeners ?? []) listener();
    stream.stopListeners = undefined;
  }

  async close(): Promise<void> {
    for (const stream of this.streams.values()) {
      if (stream.followers) for (const follower of stream.followers) follower.stop();
    }
    this.streams.clear();
    this.requests.clear();
    this.finished = [];
    this.head = 0;
    this.finishedBy.clear();
  }

  private writerFor(stream: MemoryStream, requestKey: string): StreamWriter {
    return {
      // Listeners in a Set rather than on an AbortSignal, whose EventTarget costs about 3 µs to add
      // and remove a listener: 1.5% of a short reply's CPU.
      onStop: (listener: () => void) => {
        if (stream.stopped) {
          listener();
          return () => undefined;
        }
        (stream.stopListeners ??= new Set()).add(listener);
        return () => stream.stopListeners?.delete(listener);
      },
      // Synchronous: the producer then needs no await, nor a microtask hop, per event.
      append: (event: StreamEventName, data: string): StoredEvent => {
        const stored = { seq: stream.events.push(event, data), event, data };
        // Not `?? []`: a for-of over a Set or an Array is a slower, polymorphic iteration per event.
        if (stream.followers) for (const follower of stream.followers) follower.appended(stored);
        return stored;
      },
      close: async () => {
        stream.events.finish();
        // What only a live stream needs goes with it: two Sets fewer per retained stream.
        stream.stopListeners = undefined;
        const { followers } = stream;
        stream.followers = undefined;
        if (followers) for (const follower of followers) follower.stop();
        this.retain({ streamId: stream.record.streamId, requestKey, owner: stream.record.owner, expiresAt: Date.now() + this.retentionMs, dropped: false });
      },
    };
  }

  /** Queues a finished stream for expiry; past its owner's bound, their oldest finished one goes. */
  private retain(done: Finished): void {
    this.finished.push(done);
    const mine = this.finishedBy.get(done.owner);
    if (!mine) {
      this.finishedBy.set(done.owner, [done]);
      return;
    }
    mine.push(done);
    if (mine.length <= this.maxFinishedPerUser) return;
    // Dropped now, it stays in the queue, skipped when it reaches the front.
    const oldest = mine.shift();
    if (oldest) this.drop(oldest);
  }

  private drop(done: Finished): void {
    done.dropped = true;
    this.streams.delete(done.streamId);
    if (this.requests.get(done.requestKey) === done.streamId) this.requests.delete(done.requestKey);
  }

  /** Takes the front of the queue; drops its stream unless that was done already, and says whether it did. */
  private dropFront(): boolean {
    const done = this.finished[this.head];
    this.head += 1;
    // Reclaim the front of the queue once it is most of the array.
    if (this.head > 1024 && this.head * 2 > this.finished.length) {
      this.finished = this.finished.slice(this.head);
      this.head = 0;
    }
    if (done.dropped) return false;
    // The oldest in the queue not yet dropped is also the oldest its owner has left.
    const mine = this.finishedBy.get(done.owner);
    mine?.shift();
    if (mine?.length === 0) this.finishedBy.delete(done.owner);
    this.drop(done);
    return true;
  }

  /** Drops the oldest finished stream; false when none has finished. */
  private dropOldest(): boolean {
    while (this.head < this.finished.length) if (this.dropFront()) return true;
    return false;
  }

  /** Drops the finished streams past their retention time. */
  private dropExpired(): void {
    const now = Date.now();
    while (this.head < this.finished.length && this.finished[this.head].expiresAt <= now) this.dropFront();
  }
}
