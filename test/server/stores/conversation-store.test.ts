import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { ConversationBusyError } from '../../../server/stores/conversation-store.js';
import { MemoryConversationStore } from '../../../server/stores/memory-conversation-store.js';
import { createRedisClient } from '../../../server/stores/redis-client.js';
import { RedisConversationStore, type RedisConversationStoreOptions } from '../../../server/stores/redis-conversation-store.js';
import { StoreUnavailableError } from '../../../server/stores/store-errors.js';
import { canStartRedisServer, redisAvailability, startTestRedis, type TestRedis } from '../../support/redis-server.js';
import { defineConversationStoreContract } from './conversation-store.contract.js';
import { eventually, within } from './eventually.js';

describe('MemoryConversationStore', () => {
  defineConversationStoreContract(async (options) => {
    const store = new MemoryConversationStore(options);
    return { first: store, second: store };
  });

  it('drops the least recently active conversation past maxConversations', async () => {
    const store = new MemoryConversationStore({ maxConversations: 2 });
    const turn = (conversationId: string) => ({ conversationId, owner: 'alice', streamId: randomUUID(), userMessage: 'hi' });
    const first = turn('first');
    await store.beginTurn(first);
    await store.beginTurn(turn('second'));
    // The first conversation's reply ends after the second began: it is now the more recent.
    await store.endTurn('first', first.streamId, 'done', 'completed');
    await store.beginTurn(turn('third'));
    expect(await store.get('second')).toBeUndefined();
    expect((await store.get('first'))?.messages.map((message) => message.content)).toEqual(['hi', 'done']);
    expect(await store.get('third')).toBeDefined();
  });
});

/** Redis conversation stores under a prefix of their own, each on its own client, closed after each test. */
function redisStores(url: () => string) {
  const prefix = `ngx-chat-test:${randomUUID()}:`;
  const clients: Redis[] = [];
  return {
    store(options: RedisConversationStoreOptions = {}) {
      const client = createRedisClient(url());
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
    await fails(store.endTurn(conversationId, turn.streamId, 'x', 'completed'), 'endTurn');
    await redis.restart();
    await eventually(async () => expect(await store.get(conversationId)).toBeUndefined(), 15_000);
    expect(await store.beginTurn({ ...turn, streamId: randomUUID() })).toEqual([]);
  });
});
