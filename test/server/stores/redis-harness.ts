import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { Redis } from 'ioredis';
import { createRedisClient, type RedisTarget } from '../../../server/stores/redis/redis-client.js';
import { startTestRedisCluster, type TestRedisCluster } from '../../support/redis-cluster.js';
import { RedisEventLog, type RedisEventLogOptions } from '../../../server/stores/redis/redis-event-log.js';

/**
 * Makes Redis clients and event logs under a key prefix of their own (so a shared `REDIS_URL`
 * sees no clashes between files or runs) and closes them all in {@link RedisHarness.cleanup}.
 */
export class RedisHarness {
  readonly prefix = `ngx-chat-test:${randomUUID()}:`;
  private readonly clients: Redis[] = [];
  private readonly logs: RedisEventLog[] = [];

  /** @param url The server's URL, or a Redis Cluster's nodes. */
  constructor(private readonly url: () => string | string[]) {}

  private target(): RedisTarget {
    const where = this.url();
    return typeof where === 'string' ? { url: where } : { clusterNodes: where };
  }

  /** A client on a connection of its own, as another API instance would have. */
  client(): Redis {
    const client = createRedisClient(this.target());
    this.clients.push(client);
    return client;
  }

  /** An event log on a new client: one "API instance". */
  eventLog(options: RedisEventLogOptions = {}, client = this.client()): RedisEventLog {
    const log = new RedisEventLog(client, { prefix: this.prefix, ...options });
    this.logs.push(log);
    return log;
  }

  async cleanup(): Promise<void> {
    await Promise.all(this.logs.splice(0).map((log) => log.close()));
    // disconnect, not quit: some tests leave a client facing a stopped server.
    for (const client of this.clients.splice(0)) client.disconnect();
  }
}

/**
 * For a `describe` block: starts a three-master Redis Cluster before its tests and stops it
 * after them, closing what each test made; returns the harness on it.
 */
export function clusterHarness(): RedisHarness {
  let cluster: TestRedisCluster | undefined;
  const harness = new RedisHarness(() => cluster?.nodes ?? []);
  beforeAll(async () => {
    cluster = await startTestRedisCluster();
  });
  afterEach(() => harness.cleanup());
  afterAll(() => cluster?.close());
  return harness;
}
