import type { Redis } from 'ioredis';
import type { StreamEventName } from '../../protocol/index.js';
import type { StoredEvent, StreamWriter } from './event-log.js';
import { callRedis } from './redis-client.js';
import { APPEND, CLOSE, HEARTBEAT, type StreamKeys } from './redis-event-log-scripts.js';

/** The settings a {@link RedisStreamWriter} takes from its log. */
export interface RedisWriterSettings {
  retentionS: number;
  activeTtlS: number;
  heartbeatIntervalMs: number;
  heartbeatTtlMs: number;
  maxEvents: number;
  onError: (err: unknown, message: string) => void;
}

/**
 * The producer's side of one stream in Redis. While open it refreshes the heartbeat key (readers
 * on any instance take its absence as this producer's death) and checks the stop flag on each
 * beat; a stop published through pub/sub reaches it sooner, via {@link RedisStreamWriter.requestStop}.
 */
export class RedisStreamWriter implements StreamWriter {
  private readonly stop = new AbortController();
  private readonly heartbeat: NodeJS.Timeout;
  private seq = 0;
  private beating = false;
  private closed = false;

  /**
   * @param onClose Called once when the writer closes or is detached, to forget it.
   */
  constructor(
    private readonly client: Redis,
    private readonly keys: StreamKeys,
    private readonly settings: RedisWriterSettings,
    private readonly onClose: () => void,
  ) {
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

  /** Calls the {@link onStop} listeners: a stop for this stream was published. */
  requestStop(): void {
    this.stop.abort();
  }

  async append(event: StreamEventName, data: string): Promise<StoredEvent> {
    const seq = this.seq + 1;
    const { maxEvents, activeTtlS } = this.settings;
    await callRedis(this.client, () => APPEND.run(this.client, [this.keys.events], [maxEvents, `0-${seq}`, event, data, activeTtlS]));
    this.seq = seq;
    return { seq, event, data };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.detach();
    await callRedis(this.client, () => CLOSE.run(this.client, this.keys.all, [this.settings.retentionS]));
  }

  /**
   * Stops the heartbeat without finishing the stream, as if this process had died: readers will
   * declare the stream interrupted once the heartbeat key expires. Used when the log shuts down.
   */
  detach(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    this.onClose();
  }

  private async beat(): Promise<void> {
    // A slow Redis must not pile up heartbeats behind each other.
    if (this.beating || this.closed) return;
    this.beating = true;
    try {
      const { heartbeatTtlMs, activeTtlS } = this.settings;
      const answer = await callRedis(this.client, () => HEARTBEAT.run(this.client, this.keys.all, [heartbeatTtlMs, activeTtlS]));
      // 1: a stop was asked for (and its message missed). -1: a reader already ended the stream as
      // interrupted because this producer looked dead; producing more would only fail.
      if (answer !== 0) this.stop.abort();
    } catch (err) {
      this.settings.onError(err, 'the stream heartbeat failed');
    } finally {
      this.beating = false;
    }
  }
}
