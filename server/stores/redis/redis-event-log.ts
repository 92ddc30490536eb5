import type { Redis } from 'ioredis';
import { isTerminal, type ErrorData } from '../../../protocol/index.js';
import type { EventLog, EventSink, OpenResult, StoredEvent, StreamRecord } from '../event-log.js';
import { BlockingPool } from './redis-blocking-pool.js';
import { callRedis, reportErrorsOnce, toStoreError } from './redis-client.js';
import { parseSnapshot, parseXreadReply, type StreamSnapshot } from './redis-event-entries.js';
import { liveStreamsKey, streamKeys, streamKeysById, type StreamKeys } from './redis-event-log-scripts.js';
import { scriptArgs } from './redis-scripts.js';
import { RedisStreamWriter, type RedisWriterSettings } from './redis-stream-writer.js';

/** Options for {@link RedisEventLog}. */
export interface RedisEventLogOptions {
  /** How long a finished stream stays readable, in seconds. Defaults to 600. */
  retentionS?: number;
  /**
   * Prepended to every key and channel, so several apps (or test runs) can share a Redis. The
   * conversation store's must be the same: ending a stream ends its turn. Defaults to `ngx-chat:`.
   */
  prefix?: string;
  /** How often a producer refreshes its heartbeat and a waiting reader checks it, in ms. Defaults to 1000. */
  heartbeatIntervalMs?: number;
  /** Lifetime of the heartbeat key; a stream whose producer missed it is declared interrupted. Defaults to 3000. */
  heartbeatTtlMs?: number;
  /**
   * How long after opening a stream its producer still retries an append Redis did not answer:
   * the stream timeout (`STREAM_TIMEOUT_MS`). Defaults to 300000.
   */
  retryAppendsForMs?: number;
  /** TTL of a producing stream's keys, refreshed by the heartbeat: the bound on leftovers if everything dies. Defaults to 3600. */
  activeTtlS?: number;
  /** Length cap of a stream (`XADD MAXLEN`), a backstop behind the reply limits. Defaults to 100000. */
  maxEvents?: number;
  /** Most events per batch a reader yields. Defaults to 256. */
  batchSize?: number;
  /** Most connections for blocking reads; past it waiting readers poll. Defaults to 500. */
  maxBlockingConnections?: number;
  /** Idle blocking connections kept for reuse. Defaults to 32. */
  maxIdleConnections?: number;
  /** Told about failures nobody awaits (heartbeats, the stop subscription). Defaults to ignoring them. */
  onError?: (err: unknown, message: string) => void;
  /**
   * Told when this instance ended a dead producer's stream: for a conversation store outside
   * Redis (SQL), whose turn the Lua that ends the stream cannot end. Defaults to nothing.
   */
  onAbandoned?: (record: StreamRecord) => void;
}

/** How often a reader polls when every blocking connection is taken, in ms. */
const POLL_MS = 250;

/** Longest the first `open()` waits for the stop subscription, in ms. */
const SUBSCRIBE_WAIT_MS = 1000;

/** The `error` a reader appends for a stream whose producer died. */
const INTERRUPTED = 'The stream was interrupted: the server producing it stopped.';

/** Most lapsed streams one sweep ends; more wait for the next. */
const SWEEP_BATCH = 100;

/**
 * The event log in Redis, for several API instances behind a load balancer: a Redis Stream per
 * stream (entry ids `0-<seq>`, so positions in Redis are our seqs), a hash for its record, a
 * request-id claim, a stop flag and the producer's heartbeat, all with TTLs.
 *
 * Following live events: each waiting reader issues `XREAD BLOCK` on a connection of its own,
 * borrowed from a pool for that one command (see {@link BlockingPool}). The alternative, one
 * shared `XREAD` over the keys of every followed stream, needs a `CLIENT UNBLOCK` each time a
 * reader starts waiting — after every chunk of every stream — and degenerates into a busy loop.
 * The block lasts one heartbeat interval, after which the reader checks that the stream is
 * finished or its producer alive; so an abort never leaves a connection blocked for long, and a
 * dead producer is noticed within the heartbeat TTL plus one interval.
 *
 * Stopping: `stop()` sets a flag and publishes the stream id; the producer's instance is
 * subscribed and tells the writer's `onStop` listeners at once, and the heartbeat reads the flag as a
 * fallback for a missed message.
 *
 * A dead producer's stream is ended, with what it logged and an `error` event, by whoever notices
 * first: a reader waiting on it, or the sweep each instance runs twice per heartbeat interval over
 * the streams whose heartbeat has lapsed (a sorted set by Redis's clock), for the case where no one
 * reads. The same step ends the reply in the conversation and frees it for the next message.
 */
export class RedisEventLog implements EventLog {
  private readonly writers = new Map<string, RedisStreamWriter>();
  private readonly settings: RedisWriterSettings;
  private readonly pool: BlockingPool;
  private readonly prefix: string;
  private readonly batchSize: number;
  private subscriber: Redis | undefined;
  private subscribed: Promise<void> | undefined;
  private readonly sweeper: NodeJS.Timeout;
  private sweeping = false;
  /** The sweep failed last time: its next failure is not reported again. */
  private sweepFailing = false;
  private readonly onAbandoned: (record: StreamRecord) => void;

  /** @param client The shared client; the caller closes it after {@link close}. */
  constructor(
    private readonly client: Redis,
    options: RedisEventLogOptions = {},
  ) {
    this.settings = {
      retentionS: options.retentionS ?? 600,
      activeTtlS: options.activeTtlS ?? 3600,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 1000,
      heartbeatTtlMs: options.heartbeatTtlMs ?? 3000,
      maxEvents: options.maxEvents ?? 100_000,
      retryForMs: options.retryAppendsForMs ?? 300_000,
      onError: options.onError ?? (() => undefined),
    };
    if (this.settings.heartbeatTtlMs <= this.settings.heartbeatIntervalMs) {
      throw new RangeError('heartbeatTtlMs must be longer than heartbeatIntervalMs, or live producers look dead between beats.');
    }
    this.onAbandoned = options.onAbandoned ?? (() => undefined);
    this.prefix = options.prefix ?? 'ngx-chat:';
    this.batchSize = options.batchSize ?? 256;
    this.pool = new BlockingPool(client, { maxConnections: options.maxBlockingConnections ?? 500, maxIdle: options.maxIdleConnections ?? 32 });
    // Twice per heartbeat interval: a dead producer's reply ends within its heartbeat TTL and half an interval.
    this.sweeper = setInterval(() => void this.sweep(), this.settings.heartbeatIntervalMs / 2);
    this.sweeper.unref();
  }

  async open(record: StreamRecord): Promise<OpenResult> {
    const keys = streamKeys(this.prefix, record);
    const { activeTtlS, heartbeatTtlMs } = this.settings;
    const args = [record.streamId, JSON.stringify(record), activeTtlS, heartbeatTtlMs];
    const existing = await callRedis(this.client, () => this.client.streamOpen(...scriptArgs([keys.request, keys.info, keys.alive, keys.live], args)));
    if (typeof existing === 'string') return { kind: 'existing', streamId: existing };
    await this.subscribeToStops();
    const writer = new RedisStreamWriter(this.client, keys, record.streamId, record.conversationId, this.settings, () => this.writers.delete(record.streamId));
    this.writers.set(record.streamId, writer);
    return { kind: 'opened', writer };
  }

  async get(streamId: string): Promise<StreamRecord | undefined> {
    const raw = await callRedis(this.client, () => this.client.hget(streamKeysById(this.prefix, streamId).info, 'record'));
    if (raw === null) return undefined;
    const record: StreamRecord = JSON.parse(raw);
    return record;
  }

  async follow(streamId: string, afterSeq: number, sink: EventSink, signal: AbortSignal): Promise<void> {
    for await (const batch of this.read(streamId, afterSeq, signal)) {
      const wait = sink(batch);
      if (wait) await wait;
    }
  }

  /** The events after `afterSeq` in batches, as {@link follow} hands them on. */
  private async *read(streamId: string, afterSeq: number, signal: AbortSignal): AsyncIterable<StoredEvent[]> {
    const record = await this.get(streamId);
    if (!record) return;
    const keys = streamKeys(this.prefix, record);
    let next = afterSeq;
    // After a timed-out wait (or at the start) the reader looks at the stream's state too.
    let lookAround = true;
    while (!signal.aborted) {
      let batch: StoredEvent[] = [];
      if (lookAround) {
        const snapshot = await this.snapshot(keys, next);
        batch = snapshot.events;
        if (batch.length === 0) {
          if (!snapshot.exists || snapshot.finished) return;
          if (!snapshot.alive) {
            await this.interrupt(record, keys);
            continue;
          }
        }
      }
      if (batch.length === 0) {
        batch = await this.waitForEvents(keys.events, next, signal);
        lookAround = batch.length === 0;
        if (batch.length === 0) continue;
      }
      if (batch[0].seq !== next + 1) {
        throw new Error(`Events ${next + 1} to ${batch[0].seq - 1} of stream ${streamId} were trimmed from the log (maxEvents).`);
      }
      next = batch[batch.length - 1].seq;
      yield batch;
      if (isTerminal(batch[batch.length - 1].event)) return;
    }
  }

  async stop(streamId: string): Promise<void> {
    const keys = streamKeysById(this.prefix, streamId);
    await callRedis(this.client, () => this.client.streamStop(...scriptArgs([keys.info, keys.stop], [this.settings.activeTtlS, this.stopChannel(), streamId])));
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    for (const writer of [...this.writers.values()]) writer.detach();
    this.pool.close();
    this.subscriber?.disconnect();
    this.subscriber = undefined;
    this.subscribed = undefined;
  }

  /** The stream's state and its events after `afterSeq`, read in one step. */
  private async snapshot(keys: StreamKeys, afterSeq: number): Promise<StreamSnapshot> {
    const reply = await callRedis(this.client, () => this.client.streamSnapshot(...scriptArgs([keys.info, keys.events, keys.alive], [`0-${afterSeq + 1}`, this.batchSize])));
    return parseSnapshot(reply);
  }

  /** Waits up to one heartbeat interval for events after `afterSeq`; none when it timed out or `signal` aborted. */
  private async waitForEvents(eventsKey: string, afterSeq: number, signal: AbortSignal): Promise<StoredEvent[]> {
    const connection = await this.pool.acquire();
    if (!connection) {
      await delay(POLL_MS, signal);
      return [];
    }
    if (signal.aborted) {
      this.pool.release(connection, true);
      return [];
    }
    const reading = connection.xread('COUNT', this.batchSize, 'BLOCK', this.settings.heartbeatIntervalMs, 'STREAMS', eventsKey, `0-${afterSeq}`);
    // The connection goes back once Redis has answered, even when the reader stopped waiting.
    reading.then(
      () => this.pool.release(connection, true),
      () => this.pool.release(connection, false),
    );
    const aborted = whenAborted(signal);
    try {
      return parseXreadReply(await Promise.race([reading, aborted.promise]));
    } catch (err) {
      throw toStoreError(err);
    } finally {
      aborted.dispose();
    }
  }

  /**
   * Ends a stream whose producer died with an `error` event, and its turn; a no-op when its
   * producer is alive after all, or another reader or sweep did it first.
   */
  private async interrupt(record: StreamRecord, keys: StreamKeys): Promise<void> {
    const data: ErrorData = { error: INTERRUPTED, conversation_id: record.conversationId, status: 'error', retryable: false };
    const { retentionS, maxEvents } = this.settings;
    const wrote = await callRedis(this.client, () => this.client.streamAbandon(...scriptArgs(keys.all, [record.streamId, JSON.stringify(data), retentionS, maxEvents, '1'])));
    if (Number(wrote) > 0) this.onAbandoned(record);
  }

  /** Ends the streams whose producer's heartbeat lapsed, for when nobody reads them. */
  private async sweep(): Promise<void> {
    // A slow Redis must not pile up sweeps behind each other.
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      const live = liveStreamsKey(this.prefix);
      const lapsed = await callRedis(this.client, () => this.client.streamsLapsed(...scriptArgs([live], [SWEEP_BATCH])));
      for (const streamId of Array.isArray(lapsed) ? lapsed : []) {
        const record = await this.get(String(streamId));
        // Its keys expired (activeTtlS) with nobody left to end it: nothing to end, only to forget.
        if (!record) await callRedis(this.client, () => this.client.zrem(live, String(streamId)));
        else await this.interrupt(record, streamKeys(this.prefix, record));
      }
      this.sweepFailing = false;
    } catch (err) {
      if (!this.sweepFailing) this.settings.onError(err, 'the sweep for dead producers failed');
      this.sweepFailing = true;
    } finally {
      this.sweeping = false;
    }
  }

  private stopChannel(): string {
    return `${this.prefix}stop`;
  }

  /**
   * Subscribes, once, to the stop channel, so stops asked on any instance reach this one's
   * writers. Resolves when subscribed, or after a short wait: a stop asked before then is still
   * seen, by the heartbeat's slower check of the flag.
   */
  private subscribeToStops(): Promise<void> {
    if (this.subscribed) return this.subscribed;
    // Its own connection: a subscribed connection takes no other commands. It queues while
    // offline and resubscribes after reconnecting.
    const subscriber = this.client.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null, commandTimeout: undefined });
    reportErrorsOnce(subscriber, (err) => this.settings.onError(err, 'the stop subscription lost its connection'));
    subscriber.on('message', (_channel: string, streamId: string) => this.writers.get(streamId)?.requestStop());
    const subscribing = subscriber.subscribe(this.stopChannel()).then(
      () => undefined,
      (err: unknown) => this.settings.onError(err, 'subscribing to stops failed'),
    );
    const waited = new AbortController();
    this.subscriber = subscriber;
    this.subscribed = Promise.race([subscribing, delay(SUBSCRIBE_WAIT_MS, waited.signal)]).finally(() => waited.abort());
    return this.subscribed;
  }
}

/** Resolves after `ms`, or as soon as `signal` has aborted. */
function delay(ms: number, signal: AbortSignal): Promise<void> {
  const aborted = whenAborted(signal);
  let timer: NodeJS.Timeout | undefined;
  const elapsed = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return Promise.race([elapsed, aborted.promise]).then(() => {
    clearTimeout(timer);
    aborted.dispose();
  });
}

/** A promise settled with null once `signal` has aborted (at once if it already has), and its cleanup. */
function whenAborted(signal: AbortSignal): { promise: Promise<null>; dispose: () => void } {
  let onAbort: () => void = () => undefined;
  const promise = new Promise<null>((resolve) => {
    onAbort = () => resolve(null);
    if (signal.aborted) resolve(null);
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  return { promise, dispose: () => signal.removeEventListener('abort', onAbort) };
}
