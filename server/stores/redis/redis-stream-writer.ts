import { setTimeout as sleep } from 'node:timers/promises';
import { isTerminal, type ErrorData, type StreamEventName } from '../../../protocol/index.js';
import type { StoredEvent, StreamRecord, StreamWriter } from '../event-log.js';
import { LocalTap } from './local-tap.js';
import { callRedis, type RedisClient } from './redis-client.js';
import { ENDED_REPLY, type StreamKeys } from './redis-event-log-scripts.js';
import { scriptArgs } from './redis-scripts.js';
import { StoreUnavailableError, StreamEndedError } from '../store-errors.js';

/** The settings a {@link RedisStreamWriter} takes from its log. */
export interface RedisWriterSettings {
  retentionS: number;
  activeTtlS: number;
  heartbeatIntervalMs: number;
  heartbeatTtlMs: number;
  maxEvents: number;
  /** How long after opening a stream its appends are still retried while Redis does not answer. */
  retryForMs: number;
  onError: (err: unknown, message: string) => void;
  /**
   * On a Redis Cluster: the steps outside the stream's slot, which its scripts cannot take —
   * keeping the request claim and the live set's entry while it runs, and letting them go once
   * it is finished. Nothing on one Redis, where the scripts do them.
   */
  shared: SharedStreamSteps;
}

/** See {@link RedisWriterSettings.shared}. */
export interface SharedStreamSteps {
  /** The stream is running: renew its claim and its entry in the live set. */
  renew(keys: StreamKeys, streamId: string): Promise<void>;
  /** The stream is finished: its claim expires with it, and the sweep forgets it. */
  finished(keys: StreamKeys, streamId: string): Promise<void>;
}

/** An event waiting in a writer's queue, with its caller's promise. */
interface QueuedEvent {
  event: StreamEventName;
  data: string;
  retry: AbortSignal | undefined;
  resolve: (stored: StoredEvent) => void;
  reject: (err: unknown) => void;
}

/** Most events one script call appends. */
const MAX_BATCH = 64;

/** First and longest pause between two attempts of an append, in ms. */
const RETRY_FIRST_MS = 100;
const RETRY_MAX_MS = 1000;

/** The `error` that ends a stream closed without its terminal event (its producer failed to write it). */
const CLOSED_EARLY = 'The reply ended unexpectedly; send your message again.';

/**
 * The producer's side of one stream in Redis. While open it refreshes the heartbeat key (readers
 * on any instance take its absence as this producer's death) and checks the stop flag on each
 * beat; a stop published through pub/sub reaches it sooner, via {@link RedisStreamWriter.requestStop}.
 * Readers on this instance are handed each event from memory once Redis has it ({@link tap}).
 *
 * An append that Redis does not answer (down, or stalled) is retried until the stream's timeout;
 * each event has a fixed position, so a retry whose first attempt did land writes nothing twice.
 * The terminal event is appended together with the finished flag and the end of the turn. When
 * that fails, closing stops the heartbeat: a reader or the sweep of any instance then ends the
 * stream once Redis answers again, so none is left finished without a terminal event.
 */
export class RedisStreamWriter implements StreamWriter {
  private readonly stop = new AbortController();
  private readonly taps = new Set<LocalTap>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly retryUntil: number;
  /** The seq of the last event Redis has: every later one reaches the taps open when Redis took it. */
  private seq = 0;
  /** Events appended and not yet in Redis, oldest first (see {@link append}). */
  private readonly queue: QueuedEvent[] = [];
  /** Whether {@link pump} is writing the queue; {@link idle} settles once it has emptied it. */
  private pumping = false;
  private idle: Promise<void> = Promise.resolve();
  /** Why the last batch failed, until a terminal event is appended: no other event may follow a hole. */
  private failed: { err: unknown } | undefined;
  private beating = false;
  private closed = false;
  /** True once the terminal event is in: the stream is finished. */
  private ended = false;

  /**
   * @param onClose Called once when the writer closes or is detached, to forget it.
   */
  constructor(
    private readonly client: RedisClient,
    /** The stream's keys and record, for a reader on this instance too. */
    readonly keys: StreamKeys,
    readonly record: StreamRecord,
    private readonly settings: RedisWriterSettings,
    private readonly onClose: () => void,
  ) {
    this.retryUntil = Date.now() + settings.retryForMs;
    this.heartbeat = setInterval(() => void this.beat(), settings.heartbeatIntervalMs);
    this.heartbeat.unref();
  }

  onStop(listener: () => void): () => void {
    const { signal } = this.stop;
    if (signal.aborted) {
      listener();
      return () => undefined;
    }
    signal.addEventListener('abort', listener, { once: true });
    return () => signal.removeEventListener('abort', listener);
  }

  /** The seq of the last event Redis has taken. */
  get loggedSeq(): number {
    return this.seq;
  }

  /**
   * A queue of the events appended from now on, for a reader on this instance; closed (at once,
   * if the writer is) when the writer stops writing.
   */
  tap(): LocalTap {
    const tap = new LocalTap((closed) => this.taps.delete(closed));
    if (this.closed) tap.close();
    else this.taps.add(tap);
    return tap;
  }

  /** Calls the {@link onStop} listeners: a stop for this stream was published. */
  requestStop(): void {
    this.stop.abort();
  }

  /**
   * Queues the event behind those not yet in Redis. One batch is on its way at a time; the events
   * appended meanwhile go together in the next, in one script call — a producer that appends
   * without awaiting each event pays a round trip per batch, not per event. A batch that fails
   * fails every event queued behind it, and every later one but a terminal event: none may land
   * after a hole. The terminal event takes the first failed one's position.
   */
  append(event: StreamEventName, data: string, retry?: AbortSignal): Promise<StoredEvent> {
    if (this.failed) {
      // After a hole only the terminal event may follow: the producer's error (or end).
      if (!isTerminal(event)) return Promise.reject(this.failed.err);
      this.failed = undefined;
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ event, data, retry, resolve, reject });
      if (this.pumping) return;
      this.pumping = true;
      this.idle = this.pump();
    });
  }

  /** Writes the queue, batch after batch, until it is empty. */
  private async pump(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.nextBatch();
        try {
          const stored = await this.write(batch);
          for (const [index, item] of batch.entries()) item.resolve(stored[index]);
        } catch (err) {
          this.failed = { err };
          for (const item of [...batch, ...this.queue.splice(0)]) item.reject(err);
        }
      }
    } finally {
      // In the same step as the last look at the queue: an append from now on starts a new pump.
      this.pumping = false;
    }
  }

  /** The next batch: the queued non-terminal events with the same retry signal, at most {@link MAX_BATCH}; or a terminal event alone. */
  private nextBatch(): QueuedEvent[] {
    if (isTerminal(this.queue[0].event)) return this.queue.splice(0, 1);
    let size = 1;
    while (size < this.queue.length && size < MAX_BATCH && !isTerminal(this.queue[size].event) && this.queue[size].retry === this.queue[0].retry) size += 1;
    return this.queue.splice(0, size);
  }

  /** Appends `batch` at the next positions and hands its events to the taps. */
  private async write(batch: QueuedEvent[]): Promise<StoredEvent[]> {
    const first = this.seq + 1;
    const { maxEvents, activeTtlS, retentionS } = this.settings;
    const { all, appended } = this.keys;
    const [head] = batch;
    const terminal = isTerminal(head.event);
    await this.retrying(
      () =>
        terminal
          ? this.client.streamAppendTerminal(...scriptArgs(all, [this.record.streamId, maxEvents, first, head.event, head.data, retentionS, appended]))
          : this.client.streamAppend(...scriptArgs(all, [maxEvents, activeTtlS, appended, first, ...batch.flatMap((item) => [item.event, item.data])])),
      head.retry,
    );
    this.seq = first + batch.length - 1;
    const stored = batch.map(({ event, data }, index) => ({ seq: first + index, event, data }));
    for (const tap of this.taps) for (const each of stored) tap.push(each);
    if (terminal) {
      this.ended = true;
      await this.settings.shared.finished(this.keys, this.record.streamId).catch((err: unknown) => this.settings.onError(err, 'releasing a finished stream failed'));
    }
    return stored;
  }

  /**
   * Stops the heartbeat. A stream still without its terminal event gets an `error` now; if Redis
   * cannot take it, the stream is left to the readers and sweeps, which end it once it can.
   */
  async close(): Promise<void> {
    // Whatever is on its way goes first: an `error` appended here must come after it.
    await this.idle;
    if (this.closed) return;
    this.detach();
    if (this.ended) return;
    const error: ErrorData = { error: CLOSED_EARLY, conversation_id: this.record.conversationId, status: 'error', retryable: false };
    const { retentionS, maxEvents } = this.settings;
    await callRedis(this.client, () => this.client.streamAbandon(...scriptArgs(this.keys.all, [this.record.streamId, JSON.stringify(error), retentionS, maxEvents, '0', this.keys.appended])));
    await this.settings.shared.finished(this.keys, this.record.streamId);
  }

  /**
   * Stops the heartbeat without finishing the stream, as if this process had died: readers will
   * declare the stream interrupted once the heartbeat key expires. Used when the log shuts down.
   */
  detach(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    for (const tap of [...this.taps]) tap.close();
    this.onClose();
  }

  /**
   * Runs `op` until Redis answers it, with growing pauses, for as long as the stream may run and
   * `retry` has not aborted; once without `retry`.
   */
  private async retrying(op: () => Promise<unknown>, retry: AbortSignal | undefined): Promise<void> {
    for (let pause = RETRY_FIRST_MS; ; pause = Math.min(pause * 2, RETRY_MAX_MS)) {
      try {
        await callRedis(this.client, op);
        return;
      } catch (err) {
        if (err instanceof Error && err.name === 'ReplyError' && err.message.startsWith(ENDED_REPLY)) throw new StreamEndedError({ cause: err });
        if (!(err instanceof StoreUnavailableError) || !retry || retry.aborted || Date.now() + pause > this.retryUntil) throw err;
        // Once per append: the outage itself is reported by the client.
        if (pause === RETRY_FIRST_MS) {
          this.settings.onError(err, 'a stream append failed; retrying until the stream times out');
          for (const tap of [...this.taps]) tap.fail(err);
        }
        await sleep(pause, undefined, { signal: retry }).catch(() => {
          // Aborted: no more tries; the failure is the store's, not the abort's.
          throw err;
        });
      }
    }
  }

  private async beat(): Promise<void> {
    // A slow Redis must not pile up heartbeats behind each other.
    if (this.beating || this.closed) return;
    this.beating = true;
    try {
      const { heartbeatTtlMs, activeTtlS } = this.settings;
      const [answer] = await Promise.all([
        callRedis(this.client, () => this.client.streamHeartbeat(...scriptArgs(this.keys.all, [this.record.streamId, heartbeatTtlMs, activeTtlS]))),
        this.settings.shared.renew(this.keys, this.record.streamId),
      ]);
      // 1: a stop was asked for (and its message missed). -1: a reader or sweep already ended the
      // stream, taking this producer for dead; producing more would only fail.
      if (answer !== 0) this.stop.abort();
    } catch (err) {
      this.settings.onError(err, 'the stream heartbeat failed');
    } finally {
      this.beating = false;
    }
  }
}
