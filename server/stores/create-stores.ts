import type { Redis } from 'ioredis';
import type { Config } from '../config.js';
import type { Logger } from '../ops/logger.js';
import type { ConversationStore } from './conversation-store.js';
import type { EventLog, StreamRecord } from './event-log.js';
import { MemoryConversationStore } from './memory/memory-conversation-store.js';
import { MemoryEventLog } from './memory/memory-event-log.js';
import { createRedisClient } from './redis/redis-client.js';
import { RedisConversationStore } from './redis/redis-conversation-store.js';
import { RedisEventLog } from './redis/redis-event-log.js';

/** The two stores and what closes them. */
export interface Stores {
  events: EventLog;
  conversations: ConversationStore;
  /** The Redis client the stores share, for other state that must be shared between instances (rate limits). */
  redis: Redis | undefined;
  /** True when the stores can serve: always for memory; Redis answers PING. */
  ping(): Promise<boolean>;
  /** Closes both stores, then the Redis client they share, if any. */
  close(): Promise<void>;
}

/**
 * The stores for `config`: in Redis, sharing one client, when `REDIS_URL` is set; in memory
 * otherwise. A store given in `overrides` is used as it is.
 */
export function createStores(config: Config, log: Logger, overrides: Partial<Pick<Stores, 'events' | 'conversations'>> = {}): Stores {
  const needsRedis = config.redisUrl !== undefined && (!overrides.events || !overrides.conversations);
  const onError = (err: unknown, message: string) => log.warn({ err }, message);
  const client = needsRedis && config.redisUrl ? createRedisClient(config.redisUrl, { onError: (err) => onError(err, 'Redis is unreachable; reconnecting') }) : undefined;
  const conversations =
    overrides.conversations ??
    (client
      ? // A turn outlives its stream's timeout by a minute, so only a dead producer's turn ever expires.
        new RedisConversationStore(client, { ttlS: config.conversationTtlS, turnTtlS: Math.ceil(config.streamTimeoutMs / 1000) + 60 })
      : new MemoryConversationStore({ ttlS: config.conversationTtlS, maxConversations: config.maxConversations, maxConversationsPerUser: config.maxConversationsPerUser }));
  // A new conversation's room is checked before its stream is opened: a refused request then
  // leaves no stream behind for its retry (same request_id) to attach to.
  const admit = conversations instanceof MemoryConversationStore ? (record: StreamRecord) => conversations.checkRoom(record.owner, record.conversationId) : undefined;
  const events =
    overrides.events ??
    (client
      ? new RedisEventLog(client, { retentionS: config.streamRetentionS, retryAppendsForMs: config.streamTimeoutMs, onError })
      : new MemoryEventLog({ retentionS: config.streamRetentionS, maxStreams: config.maxRetainedStreams, maxFinishedPerUser: config.maxRetainedStreamsPerUser, admit }));
  return {
    events,
    conversations,
    redis: client,
    async ping() {
      if (!client) return true;
      try {
        return (await client.ping()) === 'PONG';
      } catch {
        // Unreachable: the readiness check reports it; the client keeps reconnecting by itself.
        return false;
      }
    },
    async close() {
      await events.close();
      await conversations.close();
      // quit() lets pending replies arrive; when Redis is down it fails, and disconnecting is all there is left.
      await client?.quit().catch(() => client.disconnect());
    },
  };
}
