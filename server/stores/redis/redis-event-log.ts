import { isTerminal, type ErrorData } from '../../../protocol/index.js';
import type { EventLog, EventSink, OpenResult, StoredEvent, StreamRecord } from '../event-log.js';
import { callRedis, createSubscriber, isCluster, reportErrorsOnce, type RedisClient } from './redis-client.js';
import { parseSnapshot, type StreamSnapshot } from './redis-event-entries.js';
import { liveStreamsKey, requestKey, streamKeys, streamKeysById, type StreamKeys } from './redis-event-log-scripts.js';
import { scriptArgs } from './redis-scripts.js';
import { RedisStreamWriter, type RedisWriterSettings, type SharedStreamSteps } from './redis-stream-writer.js';
import { StreamWakeups } from './stream-wakeups.js';

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
  /** Most events per batch a reader reads from Redis. Defaults to 256. */
  batchSize?: number;
  /** Told about failures nobody awaits (heartbeats, the stop subscription). Defaults to ignoring them. */
  onError?: (err: unknown, message: string) => void;
  /**
   * Told when this instance ended a dead producer's stream: for a conversation store outside
   * Redis (SQL), whose turn the Lua that ends the stream cannot end. Defaults to nothing.
   */
  onAbandoned?: (record: StreamRecord) => void;
}

/** Longest the first `open()` waits for the stop subscription, in ms. */
const SUBSCRIBE_WAIT_MS = 1000;

/** The `error` a reader appends for a stream whose producer died. */
const INTERRUPTED = 'The stream was interrupted: the server producing it stopped.';

/** Most lapsed streams one sweep ends; more wait for the next. */
const SWEEP_BATCH = 100;

/**
 * The event log in Redis, for several API instances behind a load balancer: a Redis Stream per
 * stream (entry ids `0-<seq>`, so positions in Redis are our seqs), a hash for its record, a
 * request-id claim, a stop flag and the producer's heartbeat, all with TTLs. A stream's own keys
 * share a hash tag, so the log runs on one Redis or on a Redis Cluster (where the steps that touch
 * keys in other slots — the claim, the sweep's set — are commands of their own).
 *
 * Following live events, without a connection per reader:
 * - a reader on the instance producing the stream reads what was logged before it came from
 *   Redis, then takes each new event from the producer in memory, once Redis has it
 *   ({@link RedisStreamWriter.tap}); no round trip per event;
 * - a reader elsewhere is woken by a notice the append script publishes on the stream's sharded
 *   pub/sub channel, which this instance's one subscriber connection follows while anyone here
 *   waits on that stream ({@link StreamWakeups}), and reads the Redis Stream from its position.
 *   With no notice for one heartbeat interval it looks anyway, and checks the producer's heartbeat.
 * Appends and reads issued in one tick go to Redis in one round trip (the client auto-pipelines).
 *
 * Stopping: `stop()` sets a flag and publishes the stream id; the producer's instance is
 * subscribed and tells the writer's `onStop` listeners at once, and the heartbeat reads the flag as a
 * fallback for a missed message.
 *
 * A dead producer's stream is ended, with what it logged and an `error` event, by whoever notices
 * first: a reader waiting on it, or the sweep each instance runs twice per heartbeat interval over
 * the streams whose heartbeat has lapsed (a sorted set by Redis's clock), for the case where no one
 * reads. On one Redis the same step ends the reply in the conversation and frees it for the next
 * message; elsewhere (PostgreSQL) `onAbandoned` does.
 */
export class RedisEventLog implements EventLog {
  private readonly writers = new Map<string, RedisStreamWriter>();
  private readonly settings: RedisWriterSettings;
  private readonly prefix: string;
  private readonly batchSize: number;
  private readonly cluster: boolean;
  private readonly subscriber: RedisClient;
  private readonly wakeups: StreamWakeups;
  private subscribed: Promise<void> | undefined;
  private readonly sweeper: NodeJS.Timeout;
  private sweeping = false;
  /** The sweep failed last time: its next failure is not reported again. */
  private sweepFailing = false;
  private readonly onAbandoned: (record: StreamRecord) => void;

  /** @param client The shared client; the caller closes it after {@link close}. */
  constructor(
    private readonly client: RedisClient,
    options: RedisEventLogOptions = {},
  ) {
    this.cluster = isCluster(client);
    this.settings = {
      retentionS: options.retentionS ?? 600,
      activeTtlS: options.activeTtlS ?? 3600,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 1000,
      heartbeatTtlMs: options.heartbeatTtlMs ?? 3000,
      maxEvents: options.maxEvents ?? 100_000,
      retryForMs: options.retryAppendsForMs ?? 300_000,
      onError: options.onError ?? (() => undefined),
      shared: this.cluster ? this.clusterSteps() : { renew: async () => undefined, finished: async () => undefined },
    };
    if (this.settings.heartbeatTtlMs <= this.settings.heartbeatIntervalMs) {
      throw new RangeError('heartbeatTtlMs must be longer than heartbeatIntervalMs, or live producers look dead between beats.');
    }
    this.onAbandoned = options.onAbandoned ?? (() => undefined);
    this.prefix = options.prefix ?? 'ngx-chat:';
    this.batchSize = options.batchSize ?? 256;
    // Stops and wake-ups arrive on one connection of its own, opened with the log.
    this.subscriber = createSubscriber(client);
    reportErrorsOnce(this.subscriber, (err) => this.settings.onError(err, 'the subscription to stops and new events lost its connection'));
    this.subscriber.on('message', (_channel: string, streamId: string) => this.writers.get(streamId)?.requestStop());
    this.wakeups = new StreamWakeups(this.subscriber);
    // Twice per heartbeat interval: a dead producer's reply ends within its heartbeat TTL and half an interval.
    this.sweeper = setInterval(() => void this.sweep(), this.settings.heartbeatIntervalMs / 2);
    this.sweeper.unref();
  }

  async open(record: StreamRecord): Promise<OpenResult> {
    const keys = streamKeys(this.prefix, record, this.cluster);
    const existing = this.cluster ? await this.openOnCluster(record, keys) : await this.openOnOne(record, keys);
    if (existing !== undefined) return { kind: 'existing', streamId: existing };
    await this.subscribeToStops();
    const writer = new RedisStreamWriter(this.client, keys, record, this.settings, () => this.writers.delete(record.streamId));
    this.writers.set(record.streamId, writer);
    return { kind: 'opened', writer };
  }

  /** Opens the stream, claim and all, in one step; the id of the stream already holding the claim, if one does. */
  private async openOnOne(record: StreamRecord, keys: StreamKeys): Promise<string | undefined> {
    const { activeTtlS, heartbeatTtlMs } = this.settings;
    const args = [record.streamId, JSON.stringify(record), activeTtlS, heartbeatTtlMs];
    const existing = await callRedis(this.client, () => this.client.streamOpen(...scriptArgs([keys.info, keys.alive, keys.request, keys.live], args)));
    return typeof existing === 'string' ? existing : undefined;
  }

  /**
   * On a cluster the claim is in another slot than the stream: taken first (`SET NX`), then the
   * stream opened in its slot and entered in the live set. A claim whose stream then failed to
   * open is let go, so a retry starts afresh.
   */
  private async openOnCluster(record: StreamRecord, keys: StreamKeys): Promise<string | undefined> {
    const { activeTtlS, heartbeatTtlMs } = this.settings;
    const claimed = await callRedis(this.client, () => this.client.set(keys.request, record.streamId, 'EX', activeTtlS, 'NX'));
    if (claimed === null) {
      const holder = await callRedis(this.client, () => this.client.get(keys.request));
      // Let go in between (expired, or its stream failed to open): claim it again.
      return holder ?? this.openOnCluster(record, keys);
    }
    try {
      await callRedis(this.client, () => this.client.streamOpen(...scriptArgs([keys.info, keys.alive], [record.streamId, JSON.stringify(record), activeTtlS, heartbeatTtlMs])));
      await callRedis(this.client, () => this.client.streamLive(...scriptArgs([keys.live], [record.streamId, heartbeatTtlMs])));
    } catch (err) {
      await this.client.del(keys.request).catch(() => undefined);
      throw err;
    }
    return undefined;
  }

  /** The steps outside a stream's slot, on a cluster (see {@link SharedStreamSteps}). */
  private clusterSteps(): SharedStreamSteps {
    return {
      renew: async (keys, streamId) => {
        const { activeTtlS, heartbeatTtlMs } = this.settings;
        await Promise.all([
          callRedis(this.client, () => this.client.expire(keys.request, activeTtlS)),
          callRedis(this.client, () => this.client.streamLive(...scriptArgs([keys.live], [streamId, heartbeatTtlMs]))),
        ]);
      },
      finished: async (keys, streamId) => {
        await Promise.all([
          callRedis(this.client, () => this.client.expire(keys.request, this.settings.retentionS)),
          callRedis(this.client, () => this.client.zrem(keys.live, streamId)),
        ]);
      },
    };
  }

  async get(streamId: string): Promise<StreamRecord | undefined> {
    const raw = await callRedis(this.client, () => this.client.hget(streamKeysById(this.prefix, streamId).info, 'record'));
    if (raw === null) return undefined;
    const record: StreamRecord = JSON.parse(raw);
    return record;
  }

  async claimed(owner: string, requestId: string): Promise<string | undefined> {
    const streamId = await callRedis(this.client, () => this.client.get(requestKey(this.prefix, owner, requestId)));
    // A claim whose stream's record has expired claims nothing.
    return streamId !== null && (await this.get(streamId)) ? streamId : undefined;
  }

  async follow(streamId: string, afterSeq: number, sink: EventSink, signal: AbortSignal): Promise<void> {
    const reader: Reader = { streamId, next: afterSeq, sink };
    // Produced here: the writer knows the stream, and hands on its events.
    const writer = this.writers.get(streamId);
    if (writer && (await this.followLocally(writer, reader, signal))) return;
    const record = writer?.record ?? (await this.get(streamId));
    if (!record) return;
    await this.followRemotely(record, writer?.keys ?? streamKeys(this.prefix, record, this.cluster), reader, signal);
  }

  /**
   * Follows a stream this instance produces: what was logged before from Redis, then each event
   * from the producer. True when done (the terminal event is out, or `signal` aborted); false when
   * the producer stopped writing without one, and the rest must be read from Redis.
   */
  private async followLocally(writer: RedisStreamWriter, reader: Reader, signal: AbortSignal): Promise<boolean> {
    const tap = writer.tap();
    try {
      // The tap has every event logged from now on; Redis has every event logged before. A reader
      // that has all those (a new stream's, which came before Redis took its first event) needs
      // no read from Redis at all.
      for (;;) {
        const firstLive = tap.firstSeq();
        if (signal.aborted) return true;
        if (firstLive !== undefined ? reader.next >= firstLive - 1 : reader.next >= writer.loggedSeq) break;
        const { events } = await this.snapshot(writer.keys, reader.next);
        if (events.length === 0) break;
        if (await hand(reader, events)) return true;
      }
      for (;;) {
        const batch = await tap.take(signal);
        if (batch === undefined) return signal.aborted;
        if (await hand(reader, batch)) return true;
      }
    } finally {
      tap.close();
    }
  }

  /**
   * Follows a stream from Redis: reads from the reader's position whenever the stream's channel
   * announces an event, or a heartbeat interval passed without one; ends the stream of a producer
   * found dead.
   */
  private async followRemotely(record: StreamRecord, keys: StreamKeys, reader: Reader, signal: AbortSignal): Promise<void> {
    const watch = this.wakeups.watch(keys.appended);
    try {
      // Not subscribed within an interval (Redis stalls or is reconnecting): read anyway; each
      // wait then ends after an interval at the latest, so nothing waits on the subscription.
      const waited = new AbortController();
      await Promise.race([watch.ready.catch(() => undefined), delay(this.settings.heartbeatIntervalMs, AbortSignal.any([signal, waited.signal]))]).finally(() => waited.abort());
      while (!signal.aborted) {
        const seen = watch.version;
        const snapshot = await this.snapshot(keys, reader.next);
        if (snapshot.events.length > 0) {
          if (await hand(reader, snapshot.events)) return;
          continue;
        }
        if (!snapshot.exists || snapshot.finished) return;
        if (!snapshot.alive) {
          await this.interrupt(record, keys);
          continue;
        }
        await watch.changed(seen, this.settings.heartbeatIntervalMs, signal);
      }
    } finally {
      watch.release();
    }
  }

  async stop(streamId: string): Promise<void> {
    const keys = streamKeysById(this.prefix, streamId);
    await callRedis(this.client, () => this.client.streamStop(...scriptArgs([keys.info, keys.stop], [this.settings.activeTtlS, this.stopChannel(), streamId])));
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    for (const writer of [...this.writers.values()]) writer.detach();
    this.wakeups.close();
    this.subscriber.disconnect();
  }

  /** The stream's state and its events after `afterSeq`, read in one step. */
  private async snapshot(keys: StreamKeys, afterSeq: number): Promise<StreamSnapshot> {
    const reply = await callRedis(this.client, () => this.client.streamSnapshot(...scriptArgs([keys.info, keys.events, keys.alive], [`0-${afterSeq + 1}`, this.batchSize])));
    return parseSnapshot(reply);
  }

  /**
   * Ends a stream whose producer died with an `error` event, and its turn; a no-op when its
   * producer is alive after all, or another reader or sweep did it first.
   */
  private async interrupt(record: StreamRecord, keys: StreamKeys): Promise<void> {
    const data: ErrorData = { error: INTERRUPTED, conversation_id: record.conversationId, status: 'error', retryable: false };
    const { retentionS, maxEvents } = this.settings;
    const wrote = Number(await callRedis(this.client, () => this.client.streamAbandon(...scriptArgs(keys.all, [record.streamId, JSON.stringify(data), retentionS, maxEvents, '1', keys.appended]))));
    if (wrote > 0) this.onAbandoned(record);
    if (wrote >= 0) await this.settings.shared.finished(keys, record.streamId);
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
        else await this.interrupt(record, streamKeys(this.prefix, record, this.cluster));
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
    const subscribing = this.subscriber.subscribe(this.stopChannel()).then(
      () => undefined,
      (err: unknown) => this.settings.onError(err, 'subscribing to stops failed'),
    );
    const waited = new AbortController();
    this.subscribed = Promise.race([subscribing, delay(SUBSCRIBE_WAIT_MS, waited.signal)]).finally(() => waited.abort());
    return this.subscribed;
  }
}

/** A reader's progress through a stream. */
interface Reader {
  streamId: string;
  /** The seq of the last event handed on. */
  next: number;
  sink: EventSink;
}

/**
 * Hands the reader the events of `batch` it has not had (a batch read from Redis may overlap
 * what the producer's tap holds), waiting while its sink asks to. True once the terminal event
 * is out. Throws when events are missing: trimmed from the log (maxEvents).
 */
async function hand(reader: Reader, batch: StoredEvent[]): Promise<boolean> {
  const fresh = batch[0].seq > reader.next ? batch : batch.filter((event) => event.seq > reader.next);
  if (fresh.length === 0) return false;
  if (fresh[0].seq !== reader.next + 1) {
    throw new Error(`Events ${reader.next + 1} to ${fresh[0].seq - 1} of stream ${reader.streamId} were trimmed from the log (maxEvents).`);
  }
  reader.next = fresh[fresh.length - 1].seq;
  const wait = reader.sink(fresh);
  if (wait) await wait;
  return isTerminal(fresh[fresh.length - 1].event);
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
