import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { createRedisClient } from '../../../server/stores/redis/redis-client.js';
import { RedisEventLog, type RedisEventLogOptions } from '../../../server/stores/redis/redis-event-log.js';

/**
 * Makes Redis clients and event logs under a key prefix of their own (so a shared `REDIS_URL`
 * sees no clashes between files or runs) and closes them all in {@link RedisHarness.cleanup}.
 */
export class RedisHarness {
  readonly prefix = `ngx-chat-test:${randomUUID()}:`;
  private readonly clients: Redis[] = [];
  private readonly logs: RedisEventLog[] = [];

  constructor(private readonly url: () => string) {}

  /** A client on a connection of its own, as another API instance would have. */
  client(): Redis {
    const client = createRedisClient(this.url());
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
