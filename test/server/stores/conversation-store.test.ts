import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { ConversationBusyError } from '../../../server/stores/conversation-store.js';
import { MemoryConversationStore } from '../../../server/stores/memory/memory-conversation-store.js';
import { createRedisClient } from '../../../server/stores/redis/redis-client.js';
import { RedisConversationStore, type RedisConversationStoreOptions } from '../../../server/stores/redis/redis-conversation-store.js';
import { StoreUnavailableError } from '../../../server/stores/store-errors.js';
import { StoreFullError } from '../../../server/stores/store-full-error.js';
import { canStartRedisServer, redisAvailability, startTestRedis, type TestRedis } from '../../support/redis-server.js';
import { defineConversationStoreContract } from './conversation-store.contract.js';
import { defineVersionsContract } from './versions.contract.js';
import { eventually, within } from './eventually.js';

describe('MemoryConversationStore', () => {
  const memoryStores = async (options: { ttlS?: number }) => {
    const store = new MemoryConversationStore(options);
    return { first: store, second: store };
  };
  defineConversationStoreContract(memoryStores);
  defineVersionsContract(memoryStores);

  const turn = (conversationId: string, owner = 'alice') => ({ conversationId, owner, streamId: randomUUID(), userMessage: 'hi' });
  /** Begins a turn and ends it, leaving the conversation idle. */
  const idle = async (store: MemoryConversationStore, conversationId: string, owner = 'alice') => {
    const started = turn(conversationId, owner);
    await store.beginTurn(started);
    await store.endTurn(conversationId, started.streamId, { content: 'done', status: 'completed' });
  };

  it("at a user's bound drops that user's least recently active idle conversation, never a busy one nor another user's", async () => {
    const store = new MemoryConversationStore({ maxConversationsPerUser: 3 });
    await store.beginTurn(turn('a1')); // stays busy: its reply is still streaming
    await idle(store, 'a2');
    await idle(store, 'b1', 'bob');
    await idle(store, 'a3');
    await idle(store, 'a4');
    expect(await store.get('a2')).toBeUndefined();
    for (const id of ['a1', 'a3', 'a4', 'b1']) expect(await store.get(id)).toBeDefined();
    // Continuing a conversation makes it the most recent: the next to go is a3, not a4.
    await idle(store, 'a3');
    await idle(store, 'a5');
    expect(await store.get('a4')).toBeUndefined();
    for (const id of ['a1', 'a3', 'a5', 'b1']) expect(await store.get(id)).toBeDefined();
  });

  it("refuses a user a new conversation when all of theirs have a turn in progress, and drops none", async () => {
    const store = new MemoryConversationStore({ maxConversationsPerUser: 2 });
    await store.beginTurn(turn('a1'));
    await store.beginTurn(turn('a2'));
    expect(() => store.checkRoom('alice', 'a3')).toThrow(StoreFullError);
    const refused = await store.beginTurn(turn('a3')).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(StoreFullError);
    expect(refused).toMatchObject({ bound: 'user' });
    expect(await store.get('a1')).toBeDefined();
    expect(await store.get('a2')).toBeDefined();
    expect(() => store.checkRoom('bob', 'b1')).not.toThrow();
  });

  it("at the store's bound refuses new conversations and drops nobody's, while existing ones go on", async () => {
    const store = new MemoryConversationStore({ maxConversations: 3 });
    await store.beginTurn(turn('a1'));
    await idle(store, 'b1', 'bob');
    await idle(store, 'b2', 'bob');
    expect(() => store.checkRoom('carol', 'c1')).toThrow(StoreFullError);
    expect(() => store.checkRoom('bob', 'b3')).toThrow(StoreFullError);
    expect(() => store.checkRoom('bob', 'b1')).not.toThrow();
    const refused = await store.beginTurn(turn('c1', 'carol')).catch((err: unknown) => err);
    expect(refused).toMatchObject({ bound: 'store' });
    expect((refused as StoreFullError).retryAfterS).toBeGreaterThanOrEqual(1);
    expect((refused as StoreFullError).retryAfterS).toBeLessThanOrEqual(60);
    for (const id of ['a1', 'b1', 'b2']) expect(await store.get(id)).toBeDefined();
    expect(await store.get('c1')).toBeUndefined();
    await idle(store, 'b1', 'bob');
    expect((await store.get('b1'))?.messages).toHaveLength(4);
  });

  it('has room again once conversations expire', async () => {
    const store = new MemoryConversationStore({ maxConversations: 1, ttlS: 1 });
    await idle(store, 'a1');
    await expect(store.beginTurn(turn('b1', 'bob'))).rejects.toBeInstanceOf(StoreFullError);
    await eventually(() => store.beginTurn(turn('b1', 'bob')));
    expect(await store.get('a1')).toBeUndefined();
  });
});

/** Redis conversation stores under a prefix of their own, each on its own client, closed after each test. */
function redisStores(url: () => string) {
  const prefix = `ngx-chat-test:${randomUUID()}:`;
  const clients: Redis[] = [];
  return {
    store(options: RedisConversationStoreOptions = {}) {
      const client = createRedisClient({ url: url() });
      clients.push(client);
      return new RedisConversationStore(client, { prefix, ...options });
    },
    cleanup() {
      for (const client of clients.splice(0)) client.disconnect();
    },
  };
}

describe.skipIf(!redisAvailability().available)('RedisConversationStore', () => {
  let redis: TestRedis;
  const stores = redisStores(() => redis.url);
  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterEach(() => stores.cleanup());
  afterAll(() => redis.close());

  defineConversationStoreContract(async (options) => ({ first: stores.store(options), second: stores.store(options) }));

  it('frees a conversation whose reply never ended once the turn expires', async () => {
    const store = stores.store({ turnTtlS: 1 });
    const conversationId = randomUUID();
    await store.beginTurn({ conversationId, owner: 'alice', streamId: randomUUID(), userMessage: 'hello' });
    await expect(store.beginTurn({ conversationId, owner: 'alice', streamId: randomUUID(), userMessage: 'again' })).rejects.toBeInstanceOf(
      ConversationBusyError,
    );
    const history = await eventually(() => store.beginTurn({ conversationId, owner: 'alice', streamId: randomUUID(), userMessage: 'again' }));
    expect(history.map((message) => message.status)).toEqual(['completed', 'streaming']);
  });
});

describe.skipIf(!redisAvailability().available || !canStartRedisServer())('RedisConversationStore when Redis goes away', () => {
  let redis: TestRedis;
  const stores = redisStores(() => redis.url);
  beforeAll(async () => {
    redis = await startTestRedis({ own: true });
  });
  afterEach(() => stores.cleanup());
  afterAll(() => redis.close());

  it('fails fast with StoreUnavailableError, then works again once Redis is back', async () => {
    const store = stores.store();
    const conversationId = randomUUID();
    const turn = { conversationId, owner: 'alice', streamId: randomUUID(), userMessage: 'hello' };
    await eventually(() => store.beginTurn(turn));
    await redis.stop();
    const fails = (promise: Promise<unknown>, what: string) =>
      within(expect(promise).rejects.toBeInstanceOf(StoreUnavailableError), 5_000, `${what} hung instead of failing`);
    await fails(store.get(conversationId), 'get');
    await fails(store.beginTurn({ ...turn, streamId: randomUUID() }), 'beginTurn');
    await fails(store.endTurn(conversationId, turn.streamId, { content: 'x', status: 'completed' }), 'endTurn');
    await redis.restart();
    await eventually(async () => expect(await store.get(conversationId)).toBeUndefined(), 15_000);
    expect(await store.beginTurn({ ...turn, streamId: randomUUID() })).toEqual([]);
  });
});
