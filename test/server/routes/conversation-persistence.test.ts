import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationView } from '../../../protocol/index.js';
import { postgresAvailable, startTestPostgres, type TestPostgres } from '../../support/postgres-server.js';
import { redisAvailability, startTestRedis, type TestRedis } from '../../support/redis-server.js';
import { postChat, readAllEvents } from '../../support/sse.js';
import { startTestApi, type TestApi } from '../../support/test-api.js';

/** Sends a message in a new conversation and waits for the reply; returns the conversation's id. */
async function converse(api: TestApi, token: string, message: string): Promise<string> {
  const events = await readAllEvents(await postChat(api.url, token, { message }));
  expect(events.at(-1)?.event).toBe('end');
  return JSON.parse(events[0].data).conversation_id;
}

async function conversationOn(api: TestApi, token: string, id: string): Promise<ConversationView | number> {
  const res = await fetch(`${api.url}/conversations/${id}`, { headers: { Authorization: `Bearer ${token}` } });
  return res.status === 200 ? res.json() : res.status;
}

/** Starts an API on `env`, holds a conversation, restarts it, and checks the conversation is still there, listed and continuable. */
async function survivesRestart(env: Record<string, string>): Promise<void> {
  let api = await startTestApi(env);
  const token = await api.login();
  const conversationId = await converse(api, token, 'Remember the kettle');
  const before = await conversationOn(api, token, conversationId);
  await api.close();

  api = await startTestApi(env);
  try {
    expect(await conversationOn(api, token, conversationId)).toEqual(before);
    const list = await (await fetch(`${api.url}/conversations`, { headers: { Authorization: `Bearer ${token}` } })).json();
    expect(list.conversations.map((summary: { conversation_id: string; title: string }) => [summary.conversation_id, summary.title])).toContainEqual([conversationId, 'Remember the kettle']);
    const next = await readAllEvents(await postChat(api.url, token, { message: 'still there?', conversation_id: conversationId }));
    expect(next.at(-1)?.event).toBe('end');
    expect((await conversationOn(api, token, conversationId)) as ConversationView).toMatchObject({ messages: { length: 4 } });
  } finally {
    await api.close();
  }
}

describe('conversations across an API restart', () => {
  it('survive on the embedded default (PGlite in DATA_DIR)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ngx-chat-data-'));
    try {
      await survivesRestart({ CONVERSATION_STORE: 'auto', DATA_DIR: dataDir });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);

  describe.skipIf(!postgresAvailable())('on PostgreSQL (DATABASE_URL)', () => {
    let postgres: TestPostgres;
    beforeAll(async () => {
      postgres = await startTestPostgres();
    }, 60_000);
    afterAll(() => postgres?.close());

    it('survive, and two instances share them', async () => {
      const env = { DATABASE_URL: await postgres.newDatabase() };
      await survivesRestart(env);
      const [one, two] = [await startTestApi(env), await startTestApi(env)];
      try {
        const token = await one.login();
        const conversationId = await converse(one, token, 'Seen from both');
        expect(await conversationOn(two, token, conversationId)).toEqual(await conversationOn(one, token, conversationId));
      } finally {
        await Promise.all([one.close(), two.close()]);
      }
    }, 90_000);
  });
});

describe.skipIf(!redisAvailability().available)('versions on the Redis conversation store', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(() => redis.close());

  it('are refused with 501 versions_unsupported, naming the store that has them', async () => {
    const api = await startTestApi({ REDIS_URL: redis.url });
    try {
      const token = await api.login();
      const conversationId = await converse(api, token, 'hello');
      const res = await postChat(api.url, token, { conversation_id: conversationId, regenerate: true });
      const body = await res.json();
      expect([res.status, body.error.code]).toEqual([501, 'versions_unsupported']);
      expect(body.error.message).toMatch(/DATABASE_URL/);
    } finally {
      await api.close();
    }
  });
});
