import type { Redis } from 'ioredis';
import type { Config } from '../config.js';
import type { Logger } from '../ops/logger.js';
import type { ConversationStore } from './conversation-store.js';
import type { EventLog, StreamRecord } from './event-log.js';
import { conversationsKind, type ConversationsKind } from './conversations-kind.js';
import { loggedReply } from './logged-reply.js';
import { MemoryConversationStore } from './memory/memory-conversation-store.js';
import { MemoryEventLog } from './memory/memory-event-log.js';
import { createRedisClient } from './redis/redis-client.js';
import { RedisConversationStore } from './redis/redis-conversation-store.js';
import { RedisEventLog } from './redis/redis-event-log.js';
import { openPglite } from './sql/pglite-client.js';
import { openPostgres } from './sql/postgres-client.js';
import { SqlConversationStore } from './sql/sql-conversation-store.js';

/** The stores and what closes them. */
export interface Stores {
  events: EventLog;
  conversations: ConversationStore;
  /** Where the conversations are: for the start-up log and `/readyz`. */
  conversationsIn: ConversationsKind;
  /** The Redis client the stores share, for other state that must be shared between instances (rate limits). */
  redis: Redis | undefined;
  /** True when the stores can serve: always for memory; Redis answers PING. */
  ping(): Promise<boolean>;
  /** Closes both stores, then the Redis client they share, if any. */
  close(): Promise<void>;
}

/**
 * The stores for `config`: live streams in Redis, sharing one client, when `REDIS_URL` is set (in
 * memory otherwise); conversations where {@link conversationsKind} says. A store given in
 * `overrides` is used as it is.
 */
export async function createStores(config: Config, log: Logger, overrides: Partial<Pick<Stores, 'events' | 'conversations'>> = {}): Promise<Stores> {
  const kind = overrides.conversations ? 'memory' : conversationsKind(config);
  const needsRedis = config.redis !== undefined && (!overrides.events || (!overrides.conversations && kind === 'redis'));
  const onError = (err: unknown, message: string) => log.warn({ err }, message);
  const client = needsRedis && config.redis ? createRedisClient(config.redis, { onError: (err) => onError(err, 'Redis is unreachable; reconnecting') }) : undefined;
  const retentionS = config.conversationRetentionDays * 86_400;
  // A turn outlives its stream's timeout by a minute, so only a dead producer's turn ever lapses.
  const turnTtlS = Math.ceil(config.streamTimeoutMs / 1000) + 60;
  const conversations = overrides.conversations ?? (await openConversations(kind, config, client, { retentionS, turnTtlS, onError }));
  // A new conversation's room is checked before its stream is opened: a refused request then
  // leaves no stream behind for its retry (same request_id) to attach to.
  const admit = conversations instanceof MemoryConversationStore ? (record: StreamRecord) => conversations.checkRoom(record.owner, record.conversationId) : undefined;
  // A dead producer's turn in a conversation outside Redis is ended by whoever ends its stream.
  const endAbandonedTurn =
    conversations instanceof SqlConversationStore
      ? (record: StreamRecord) =>
          void loggedReply(events, record.streamId, AbortSignal.timeout(10_000))
            .then((ending) => conversations.endTurn(record.conversationId, record.streamId, ending))
            .catch((err: unknown) => onError(err, 'could not end the turn of an interrupted stream; its lock lapses by itself'))
      : undefined;
  const events: EventLog =
    overrides.events ??
    (client
      ? new RedisEventLog(client, { retentionS: config.streamRetentionS, retryAppendsForMs: config.streamTimeoutMs, onError, onAbandoned: endAbandonedTurn })
      : new MemoryEventLog({ retentionS: config.streamRetentionS, maxStreams: config.maxRetainedStreams, maxFinishedPerUser: config.maxRetainedStreamsPerUser, admit }));
  return {
    events,
    conversations,
    conversationsIn: kind,
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

interface ConversationSettings {
  /** Retention in seconds; 0 keeps conversations. */
  retentionS: number;
  turnTtlS: number;
  onError: (err: unknown, message: string) => void;
}

async function openConversations(kind: ConversationsKind, config: Config, client: Redis | undefined, settings: ConversationSettings): Promise<ConversationStore> {
  const { retentionS, turnTtlS } = settings;
  const retentionDays = config.conversationRetentionDays;
  switch (kind) {
    case 'postgres':
      // Shared with other instances: a reply left streaming may be another's, so only its lock's lapse ends it.
      return SqlConversationStore.open(
        openPostgres(config.databaseUrl ?? '', { onError: (err) => settings.onError(err, 'a PostgreSQL connection failed; the pool replaces it') }),
        { retentionDays, turnTtlS },
      );
    case 'pglite':
      // This process alone has the directory: what a previous run left streaming died with it.
      return SqlConversationStore.open(await openPglite(config.dataDir), { retentionDays, turnTtlS, endRepliesLeftStreaming: true });
    case 'redis':
      if (!client) throw new Error('CONVERSATION_STORE=redis needs REDIS_URL.');
      // Redis has no "keep forever": 0 keeps them ten years.
      return new RedisConversationStore(client, { ttlS: retentionS > 0 ? Math.max(1, Math.round(retentionS)) : 315_360_000, turnTtlS });
    default:
      return new MemoryConversationStore({ ttlS: retentionS > 0 ? retentionS : Number.POSITIVE_INFINITY, maxConversations: config.maxConversations, maxConversationsPerUser: config.maxConversationsPerUser });
  }
}
