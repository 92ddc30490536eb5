import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import { StoreUnavailableError } from '../store-errors.js';
import { REDIS_SCRIPTS } from './redis-scripts.js';

/** Options for {@link createRedisClient}. */
export interface RedisClientOptions {
  /** A command without a reply after this many ms fails with {@link StoreUnavailableError}. Defaults to 1500. */
  commandTimeoutMs?: number;
  /** Told once per outage that Redis went away; the client keeps reconnecting by itself. Defaults to ignoring it. */
  onError?: (err: Error) => void;
}

/** Where Redis is: one server (`REDIS_URL`), or the seed nodes of a Redis Cluster (`REDIS_CLUSTER_NODES`, `host:port`). */
export type RedisTarget = { url: string } | { clusterNodes: string[] };

/**
 * The stores' client. A Redis Cluster's client takes the same commands, routing each by its
 * keys' slot, so the stores use both through this one type; where they must differ (keys outside
 * a script's slot, subscriptions) they ask {@link isCluster}.
 */
export type RedisClient = Redis;

/** How long a command waits for a client that is (re)connecting before giving up, in ms. */
const READY_WAIT_MS = 1000;

/**
 * Creates the shared client. It fails fast instead of queueing: with the offline queue on, a
 * request made during an outage would hang and then run late (an XADD or a request-id claim
 * applied minutes after its HTTP request got a 503). It reconnects forever, at most 1 s apart.
 * Commands issued in the same tick go out together (auto-pipelining): the appends of every
 * stream a tick produced cost one round trip.
 */
export function createRedisClient(target: RedisTarget, options: RedisClientOptions = {}): RedisClient {
  const retryStrategy = (times: number) => Math.min(times * 100, 1000);
  const connection: RedisOptions = { commandTimeout: options.commandTimeoutMs ?? 1500, connectTimeout: 1500, maxRetriesPerRequest: 1 };
  let client: RedisClient;
  if ('url' in target) {
    client = new Redis(target.url, { ...connection, enableOfflineQueue: false, retryStrategy, scripts: REDIS_SCRIPTS, enableAutoPipelining: true });
  } else {
    const cluster = new Cluster(target.clusterNodes.map(parseNode), {
      redisOptions: connection,
      enableOfflineQueue: false,
      clusterRetryStrategy: retryStrategy,
      scripts: REDIS_SCRIPTS,
      enableAutoPipelining: true,
      // ioredis groups auto-pipelined commands by the slot of their first argument, which for a
      // script is its key count, not a key: two scripts on different nodes would share a batch.
      autoPipeliningIgnoredCommands: Object.keys(REDIS_SCRIPTS),
    } satisfies ClusterOptions);
    client = cluster as unknown as RedisClient;
  }
  reportErrorsOnce(client, options.onError ?? (() => undefined));
  return client;
}

/** Whether `client` talks to a Redis Cluster. */
export function isCluster(client: RedisClient): boolean {
  return (client as unknown) instanceof Cluster;
}

/**
 * A connection of its own for subscriptions (a subscribed connection takes no other commands): it
 * queues while offline and subscribes again after reconnecting. On a cluster, sharded
 * subscriptions go to the node serving each channel's slot.
 */
export function createSubscriber(client: RedisClient): RedisClient {
  const always: RedisOptions = { enableOfflineQueue: true, maxRetriesPerRequest: null, commandTimeout: undefined };
  if (!isCluster(client)) return client.duplicate(always);
  const cluster = client as unknown as Cluster;
  const { commandTimeout: _timeout, ...connection } = cluster.options.redisOptions ?? {};
  return cluster.duplicate(undefined, { shardedSubscribers: true, enableOfflineQueue: true, redisOptions: { ...connection, maxRetriesPerRequest: null } }) as unknown as RedisClient;
}

/** `host:port` as a cluster node. */
function parseNode(node: string): { host: string; port: number } {
  const match = /^(.+):(\d+)$/.exec(node.trim());
  if (!match) throw new Error(`A Redis Cluster node must be host:port, not "${node}".`);
  return { host: match[1], port: Number(match[2]) };
}

/**
 * Attaches the `error` listener (without one an unreachable Redis crashes the process) and
 * reports only the first error after each successful connection, not every reconnect attempt.
 */
export function reportErrorsOnce(client: RedisClient, onError: (err: Error) => void): void {
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

const pendingReady = new WeakMap<RedisClient, Promise<void>>();
/** Clients that stayed unready through a whole wait: until they are ready again, commands fail at once. */
const knownDown = new WeakSet<RedisClient>();

/**
 * Resolves when `client` can take commands; rejects with {@link StoreUnavailableError} after a
 * short wait (which rides out a reconnect or the start-up), or at once during a known outage.
 */
function whenReady(client: RedisClient): Promise<void> {
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
export async function callRedis<T>(client: RedisClient, op: () => Promise<T>): Promise<T> {
  try {
    await whenReady(client);
    return await op();
  } catch (err) {
    throw toStoreError(err);
  }
}
