import type { Redis } from 'ioredis';
import { StoreUnavailableError } from '../store-errors.js';

/** Options for {@link BlockingPool}. */
export interface BlockingPoolOptions {
  /** Most connections open at once (leased and idle). */
  maxConnections: number;
  /** Most idle connections kept for the next reader; the rest are closed. */
  maxIdle: number;
}

/**
 * Longest a new connection may take to be ready, in ms. A stalled Redis (a paused process)
 * accepts TCP connections but never answers the ready check, which has no timeout of its own.
 */
const READY_TIMEOUT_MS = 1500;

/**
 * Connections for blocking `XREAD`s. A blocking command occupies its whole connection, so each
 * waiting reader needs its own; the pool hands them out for one `XREAD` at a time and keeps a few
 * idle ones so that readers waking on every chunk don't reconnect each time. Past
 * `maxConnections`, {@link BlockingPool.acquire} answers undefined and the caller polls instead,
 * which bounds what one API instance asks of Redis's `maxclients`.
 */
export class BlockingPool {
  private readonly idle: Redis[] = [];
  private readonly leased = new Set<Redis>();
  private closed = false;

  constructor(
    private readonly client: Redis,
    private readonly options: BlockingPoolOptions,
  ) {}

  /**
   * A connected connection for one blocking command, or undefined when all are in use.
   * @throws StoreUnavailableError when Redis cannot be reached.
   */
  async acquire(): Promise<Redis | undefined> {
    if (this.closed) throw new StoreUnavailableError();
    let connection = this.idle.pop();
    while (connection && connection.status !== 'ready') {
      connection.disconnect();
      connection = this.idle.pop();
    }
    if (connection) {
      this.leased.add(connection);
      return connection;
    }
    if (this.leased.size >= this.options.maxConnections) return undefined;
    return this.connect();
  }

  /** Gives a connection back once its command has settled; `healthy` false closes it. */
  release(connection: Redis, healthy: boolean): void {
    this.leased.delete(connection);
    if (healthy && !this.closed && connection.status === 'ready' && this.idle.length < this.options.maxIdle) {
      this.idle.push(connection);
    } else {
      connection.disconnect();
    }
  }

  /** Closes every connection, interrupting blocked commands (they reject). */
  close(): void {
    this.closed = true;
    for (const connection of [...this.idle, ...this.leased]) connection.disconnect();
    this.idle.length = 0;
    this.leased.clear();
  }

  private async connect(): Promise<Redis> {
    const connection = this.client.duplicate({
      lazyConnect: true,
      // commandTimeout would cut every XREAD BLOCK short; blockingTimeout instead resolves a
      // blocked read that outlives its BLOCK time by a second (a dead TCP peer) as a timeout.
      commandTimeout: undefined,
      blockingTimeout: 1,
      blockingTimeoutGrace: 1000,
      // A broken connection is dropped, not revived: the pool opens a fresh one when needed.
      retryStrategy: () => null,
      maxRetriesPerRequest: 0,
    });
    // A failure reaches the reader through its command's rejection; this listener only keeps the
    // 'error' event from crashing the process, and logging it again per connection would be noise.
    connection.on('error', () => undefined);
    this.leased.add(connection);
    let giveUp: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_resolve, reject) => {
      giveUp = setTimeout(() => reject(new Error(`The connection was not ready after ${READY_TIMEOUT_MS} ms.`)), READY_TIMEOUT_MS);
    });
    try {
      await Promise.race([connection.connect(), timedOut]);
      return connection;
    } catch (err) {
      this.leased.delete(connection);
      connection.disconnect();
      throw new StoreUnavailableError({ cause: err });
    } finally {
      clearTimeout(giveUp);
    }
  }
}
