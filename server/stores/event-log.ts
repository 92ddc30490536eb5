import type { StreamEventName } from '../../protocol/index.js';

/** One event as the log keeps it. */
export interface StoredEvent {
  /** Position in the stream: 1 for `start`, then 2, 3, … with no gaps. */
  seq: number;
  event: StreamEventName;
  /** The event's payload, already JSON-encoded. */
  data: string;
}

/** What the log knows about a stream besides its events. */
export interface StreamRecord {
  streamId: string;
  /** The `sub` of the user who started it; only they may read or stop it. */
  owner: string;
  conversationId: string;
  requestId: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
}

/** The producer's handle on one stream it generates. */
export interface StreamWriter {
  /**
   * Appends the next event and returns it with its `seq`: at once in memory, as a promise when
   * the log is remote. Awaiting only a promise spares the producer a microtask hop per event. A
   * remote log takes the next events before the promise settles, keeps their order, and fails
   * every event after one that failed, but a terminal one.
   * Given `retry`, a remote log that cannot reach its store tries again, with growing pauses,
   * until the stream's timeout or until `retry` aborts; without it, it fails at once.
   * @throws StreamEndedError (remote log) when a reader or sweep ended the stream already.
   */
  append(event: StreamEventName, data: string, retry?: AbortSignal): StoredEvent | Promise<StoredEvent>;
  /**
   * Calls `listener` once when anyone, on any instance, asks the stream to stop (at once if that
   * has happened already). Returns the function that removes it.
   */
  onStop(listener: () => void): () => void;
  /**
   * Ends production: the log is kept for its retention time, then dropped. A remote log ends a
   * stream closed without its terminal event with an `error` event: none is finished without one.
   */
  close(): Promise<void>;
}

/**
 * Takes the next batch of a followed stream, in order. A returned promise asks for nothing more
 * until it settles: that is how a reader keeps pace with its socket. The memory log calls it from
 * inside `append`, so it should only queue or write, never wait.
 */
export type EventSink = (batch: StoredEvent[]) => void | Promise<void>;

/** What {@link EventLog.open} gives back. */
export type OpenResult =
  | { kind: 'opened'; writer: StreamWriter }
  /** The request id was already used by this owner: attach to that stream instead. */
  | { kind: 'existing'; streamId: string };

/**
 * The log of a stream's events: one producer appends, any number of readers replay and follow.
 * Implemented in memory and in Redis; `test/server/stores/event-log.contract.ts` holds both to
 * the same behaviour.
 */
export interface EventLog {
  /** Starts a stream, unless `record.owner` already used `record.requestId`. */
  open(record: StreamRecord): Promise<OpenResult>;
  /** The stream's record, or undefined when it never existed or has expired. */
  get(streamId: string): Promise<StreamRecord | undefined>;
  /** The id of the stream `owner`'s request `requestId` opened, while that stream is kept; else undefined. */
  claimed(owner: string, requestId: string): Promise<string | undefined>;
  /**
   * Hands `sink` the events after `afterSeq` in batches, then the live ones as they are appended,
   * and resolves after the terminal event (`end` or `error`), when the stream is finished, or when
   * `signal` aborts. Rejects when the log fails or `sink` throws.
   */
  follow(streamId: string, afterSeq: number, sink: EventSink, signal: AbortSignal): Promise<void>;
  /** Asks the producer of a stream to stop; does nothing to a finished stream. */
  stop(streamId: string): Promise<void>;
  /** Releases timers and connections. */
  close(): Promise<void>;
}
