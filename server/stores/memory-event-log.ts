import { isTerminal, type StreamEventName } from '../sse/protocol.js';
import type { EventLog, OpenResult, StoredEvent, StreamRecord, StreamWriter } from './event-log.js';

/** Options for {@link MemoryEventLog}. */
export interface MemoryEventLogOptions {
  /** How long a finished stream stays readable, in seconds. Defaults to 600. */
  retentionS?: number;
  /** Most streams kept at once; past it the oldest finished ones are dropped first. Defaults to 10000. */
  maxStreams?: number;
}

interface MemoryStream {
  record: StreamRecord;
  /**
   * The events, as two columns: `names[i]` and `data[i]` are those of the event with seq i + 1.
   * Ten thousand retained streams hold over a hundred thousand events; an object each would
   * double what the garbage collector walks on every full collection.
   */
  names: StreamEventName[];
  data: string[];
  finished: boolean;
  /** Whether someone asked the producer to stop, and who is told when they do. */
  stopped: boolean;
  stopListeners: Set<() => void> | undefined;
  /** Readers waiting for the next event. */
  waiters: Set<() => void>;
}

/** A finished stream in the retention queue. */
interface Finished {
  streamId: string;
  requestKey: string;
  expiresAt: number;
}

/**
 * The in-process event log, the default when `REDIS_URL` is unset. Readers are woken by the
 * producer directly, so following a live stream costs no polling.
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
  private readonly retentionMs: number;
  private readonly maxStreams: number;

  constructor(options: MemoryEventLogOptions = {}) {
    this.retentionMs = (options.retentionS ?? 600) * 1000;
    this.maxStreams = options.maxStreams ?? 10_000;
  }

  async open(record: StreamRecord): Promise<OpenResult> {
    this.dropExpired();
    const requestKey = `${record.owner}\n${record.requestId}`;
    const existing = this.requests.get(requestKey);
    if (existing !== undefined && this.streams.has(existing)) return { kind: 'existing', streamId: existing };
    this.evictIfFull();
    const stream: MemoryStream = { record, names: [], data: [], finished: false, stopped: false, stopListeners: undefined, waiters: new Set() };
    this.streams.set(record.streamId, stream);
    this.requests.set(requestKey, record.streamId);
    return { kind: 'opened', writer: this.writerFor(stream, requestKey) };
  }

  async get(streamId: string): Promise<StreamRecord | undefined> {
    this.dropExpired();
    return this.streams.get(streamId)?.record;
  }

  async *read(streamId: string, afterSeq: number, signal: AbortSignal): AsyncIterable<StoredEvent[]> {
    this.dropExpired();
    const stream = this.streams.get(streamId);
    if (!stream) return;
    let next = afterSeq; // the event at index i has seq i + 1
    // One abort listener for the whole read: adding and removing one per wait costs more than
    // the rest of delivering an event.
    let wake: (() => void) | undefined;
    const onAbort = () => wake?.();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      while (!signal.aborted) {
        if (next < stream.data.length) {
          const batch = takeBatch(stream, next);
          next += batch.length;
          yield batch;
          if (isTerminal(batch[batch.length - 1].event)) return;
          continue;
        }
        if (stream.finished) return;
        await new Promise<void>((resolve) => {
          wake = () => {
            stream.waiters.delete(wake!);
            wake = undefined;
            resolve();
          };
          stream.waiters.add(wake);
        });
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      if (wake) stream.waiters.delete(wake);
    }
  }

  async stop(streamId: string): Promise<void> {
    const stream = this.streams.get(streamId);
    if (!stream || stream.finished || stream.stopped) return;
    stream.stopped = true;
    for (const listener of stream.stopListeners ?? []) listener();
    stream.stopListeners = undefined;
  }

  async close(): Promise<void> {
    for (const stream of this.streams.values()) {
      for (const wake of stream.waiters) wake();
    }
    this.streams.clear();
    this.requests.clear();
    this.finished = [];
    this.head = 0;
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
      append: async (event: StreamEventName, data: string) => {
        stream.names.push(event);
        stream.data.push(data);
        const stored = { seq: stream.data.length, event, data };
        for (const wake of stream.waiters) wake();
        stream.waiters.clear();
        return stored;
      },
      close: async () => {
        stream.finished = true;
        for (const wake of stream.waiters) wake();
        stream.waiters.clear();
        this.finished.push({ streamId: stream.record.streamId, requestKey, expiresAt: Date.now() + this.retentionMs });
      },
    };
  }

  private drop({ streamId, requestKey }: Finished): void {
    this.streams.delete(streamId);
    if (this.requests.get(requestKey) === streamId) this.requests.delete(requestKey);
  }

  /** Drops the oldest finished stream; false when none has finished. */
  private dropOldest(): boolean {
    if (this.head === this.finished.length) return false;
    this.drop(this.finished[this.head]);
    this.head += 1;
    // Reclaim the front of the queue once it is most of the array.
    if (this.head > 1024 && this.head * 2 > this.finished.length) {
      this.finished = this.finished.slice(this.head);
      this.head = 0;
    }
    return true;
  }

  /** Drops the finished streams past their retention time. */
  private dropExpired(): void {
    const now = Date.now();
    while (this.head < this.finished.length && this.finished[this.head].expiresAt <= now) this.dropOldest();
  }

  /** Keeps the log bounded: drops the oldest finished stream when the cap is reached. */
  private evictIfFull(): void {
    if (this.streams.size >= this.maxStreams) this.dropOldest();
  }
}

/** Most events and bytes in one batch, so a reader far behind the producer never holds the whole log. */
const BATCH_EVENTS = 256;
const BATCH_BYTES = 64 * 1024;

function takeBatch(stream: MemoryStream, from: number): StoredEvent[] {
  const batch: StoredEvent[] = [];
  let bytes = 0;
  for (let i = from; i < stream.data.length && batch.length < BATCH_EVENTS; i += 1) {
    const data = stream.data[i];
    if (batch.length > 0 && bytes + data.length > BATCH_BYTES) break;
    bytes += data.length;
    batch.push({ seq: i + 1, event: stream.names[i], data });
  }
  return batch;
}
