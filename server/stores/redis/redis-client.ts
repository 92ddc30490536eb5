import { Redis } from 'ioredis';
import { StoreUnavailableError } from '../store-errors.js';
import { REDIS_SCRIPTS } from './redis-scripts.js';

/** Options for {@link createRedisClient}. */
export interface RedisClientOptions {
  /** A command without a reply after this many ms fails with {@link StoreUnavailableError}. Defaults to 1500. */
  commandTimeoutMs?: number;
  /** Told once per outage that Redis went away; the client keeps reconnecting by itself. Defaults to ignoring it. */
  onError?: (err: Error) => void;
}

/** How long a command waits for a client that is (re)connecting before giving up, in ms. */
const READY_WAIT_MS = 1000;

/**
 * Creates the shared client. It fails fast instead of queueing: with the offline queue on, a
 * request made during an outage would hang and then run late (an XADD or a request-id claim
 * applied minutes after its HTTP request got a 503). It reconnects forever, at most 1 s apart.
 */
export function createRedisClient(url: string, options: RedisClientOptions = {}): Redis {
  const client = new Redis(url, {
    commandTimeout: options.commandTimeoutMs ?? 1500,
    connectTimeout: 1500,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    retryStrategy: (times) => Math.min(times * 100, 1000),
    scripts: REDIS_SCRIPTS,
  });
  reportErrorsOnce(client, options.onError ?? (() => undefined));
  return client;
}

/**
 * Attaches the `error` listener (without one an unreachable Redis crashes the process) and
 * reports only the first error after each successful connection, not every reconnect attempt.
 */
export function reportErrorsOnce(client: Redis, onError: (err: Error) => void): void {
  let reported = false;
  client.on('ready', () => {
    reported = false;
  });
  client.on('error', (err: Error) => {
    if (reported) return;
    reported = true;
    onError(err);
  });
}

const pendingReady = new WeakMap<Redis, Promise<void>>();
/** Clients that stayed unready through a whole wait: until they are ready again, commands fail at once. */
const knownDown = new WeakSet<Redis>();

/**
 * Resolves when `client` can take commands; rejects with {@link StoreUnavailableError} after a
 * short wait (which rides out a reconnect or the start-up), or at once during a known outage.
 */
function whenReady(client: Redis): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  if (client.status === 'end' || knownDown.has(client)) return Promise.reject(new StoreUnavailableError());
  let pending = pendingReady.get(client);
  if (!pending) {
    // One waiter per client, shared by every request made during the outage, so listeners don't pile up.
    pending = new Promise<void>((resolve, reject) => {
      const onReady = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        client.off('ready', onReady);
        knownDown.add(client);
        client.once('ready', () => knownDown.delete(client));
        reject(new StoreUnavailableError());
      }, READY_WAIT_MS);
      client.once('ready', onReady);
    }).finally(() => pendingReady.delete(client));
    pendingReady.set(client, pending);
  }
  return pending;
}

/**
 * Maps a failed command to what callers should see: Redis's own answers (`ReplyError`, e.g. a
 * duplicate stream id) stay as they are; anything else means Redis could not be reached.
 */
export function toStoreError(err: unknown): Error {
  if (err instanceof StoreUnavailableError) return err;
  if (err instanceof Error && err.name === 'ReplyError') return err;
  return new StoreUnavailableError({ cause: err });
}

/** Runs `op` once `client` is connected; connection failures become {@link StoreUnavailableError}. */
export async function callRedis<T>(client: Redis, op: () => Promise<T>): Promise<T> {
  try {
    await whenReady(client);
    return await op();
  } catch (err) {
    throw toStoreError(err);
  }
}
