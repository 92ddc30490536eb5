import type { RedisClient } from './redis-client.js';
import { StoreUnavailableError } from '../store-errors.js';

/** What {@link StreamWakeups.watch} gives a reader. */
export interface Watch {
  /** Settles once the subscription is in place: events logged after it wake the reader. */
  readonly ready: Promise<void>;
  /** Counts the notices so far: read it before looking at the stream, pass it to {@link Watch.changed}. */
  readonly version: number;
  /**
   * Resolves when a notice came after `version` (at once if one did already), after `timeoutMs`,
   * or when `signal` aborts. Rejects with StoreUnavailableError once the log has closed.
   */
  changed(version: number, timeoutMs: number, signal: AbortSignal): Promise<void>;
  /** Drops this reader's interest; the last one out unsubscribes. */
  release(): void;
}

interface Channel {
  readers: number;
  version: number;
  waiters: Set<() => void>;
  ready: Promise<void>;
}

/**
 * Wakes readers on this instance when a stream produced elsewhere logs an event: one subscriber
 * connection per instance, subscribed (sharded pub/sub, so a cluster keeps each notice on its
 * stream's shard) to the `appended` channel of each stream some reader here waits on, for as long
 * as one does. A notice only says "look again": the reader reads the Redis Stream from its
 * position, so a lost notice costs a wait of at most `timeoutMs`, never an event.
 */
export class StreamWakeups {
  private readonly channels = new Map<string, Channel>();
  private closed = false;

  constructor(private readonly subscriber: RedisClient) {
    subscriber.on('smessage', (channel: string) => this.notify(channel));
  }

  watch(channelName: string): Watch {
    if (this.closed) throw new StoreUnavailableError();
    let channel = this.channels.get(channelName);
    if (!channel) {
      const subscribing = this.subscriber.ssubscribe(channelName).then(() => undefined);
      // A failure reaches the reader through `ready`; this keeps it from going unhandled meanwhile.
      subscribing.catch(() => undefined);
      channel = { readers: 0, version: 0, waiters: new Set(), ready: subscribing };
      this.channels.set(channelName, channel);
    }
    channel.readers += 1;
    const current = channel;
    let released = false;
    return {
      ready: current.ready,
      get version() {
        return current.version;
      },
      changed: (version, timeoutMs, signal) => this.changed(current, version, timeoutMs, signal),
      release: () => {
        if (released) return;
        released = true;
        current.readers -= 1;
        if (current.readers > 0 || this.channels.get(channelName) !== current) return;
        this.channels.delete(channelName);
        if (!this.closed) this.subscriber.sunsubscribe(channelName).catch(() => undefined);
      },
    };
  }

  /** Wakes every waiting reader with StoreUnavailableError; later watches fail at once. */
  close(): void {
    this.closed = true;
    for (const channel of this.channels.values()) for (const wake of channel.waiters) wake();
    this.channels.clear();
  }

  private notify(channelName: string): void {
    const channel = this.channels.get(channelName);
    if (!channel) return;
    channel.version += 1;
    for (const wake of channel.waiters) wake();
  }

  private async changed(channel: Channel, version: number, timeoutMs: number, signal: AbortSignal): Promise<void> {
    if (channel.version === version && !signal.aborted && !this.closed) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          channel.waiters.delete(done);
          signal.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        channel.waiters.add(done);
        signal.addEventListener('abort', done, { once: true });
      });
    }
    if (this.closed) throw new StoreUnavailableError();
  }
}
