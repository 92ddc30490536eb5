import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryConversationStore } from '../../../../server/stores/memory/memory-conversation-store.js';
import { eventually } from '../eventually.js';
import { postChat, readAllEvents, readThenDrop, replyText, type SseMessage } from '../../../support/sse.js';
import { startTestApi, type TestApi } from '../../../support/test-api.js';
import { GatedAgent } from '../../../support/test-agents.js';

function conversationOf(events: SseMessage[]): string {
  return (JSON.parse(events[0].data) as { conversation_id: string }).conversation_id;
}

async function getConversation(api: TestApi, token: string, conversationId: string): Promise<Response> {
  return fetch(`${api.url}/conversations/${conversationId}`, { headers: { Authorization: `Bearer ${token}` } });
}

/** Starts a held reply and leaves it after its first chunk, the way a closed tab does: the reply goes on. */
async function startHeldReply(api: TestApi, token: string): Promise<SseMessage[]> {
  const controller = new AbortController();
  const res = await postChat(api.url, token, { message: 'keep this', metadata: { hold: true } }, {}, controller.signal);
  expect(res.status).toBe(200);
  return readThenDrop(res, 2, controller);
}

describe('memory bounds', () => {
  let api: TestApi | undefined;
  afterEach(async () => {
    await api?.close();
    api = undefined;
  });

  it("survives the attack: many guests' conversations leave the victim's conversation and live stream intact, and the attackers get 503", async () => {
    const agent = new GatedAgent();
    api = await startTestApi(
      { MAX_CONVERSATIONS: '12', MAX_CONVERSATIONS_PER_USER: '4', MAX_RETAINED_STREAMS: '8', MAX_RETAINED_STREAMS_PER_USER: '3' },
      // The store is also given as an object, so that the code before the bounds (which read no
      // variables) held the same 12 conversations, and this test shows what it did with them.
      { agent, conversations: new MemoryConversationStore({ maxConversations: 12, maxConversationsPerUser: 4 }) },
    );
    const victim = await api.guest();
    const seen = await startHeldReply(api, victim);
    const conversationId = conversationOf(seen);

    const attackers = await Promise.all(Array.from({ length: 5 }, () => api!.guest()));
    const answers = await Promise.all(
      attackers.map(async (token) => {
        const mine: { status: number; code?: string; retryAfter: string | null; conversationId?: string }[] = [];
        for (let i = 0; i < 6; i += 1) {
          const res = await postChat(api!.url, token, { message: `flood ${i}` });
          if (res.status === 200) {
            const events = await readAllEvents(res);
            expect(events.at(-1)?.event).toBe('end');
            mine.push({ status: 200, retryAfter: null, conversationId: conversationOf(events) });
          } else {
            mine.push({ status: res.status, code: ((await res.json()) as { error: { code: string } }).error.code, retryAfter: res.headers.get('retry-after') });
          }
        }
        return mine;
      }),
    );
    const conversation = await getConversation(api, victim, conversationId);
    expect(conversation.status).toBe(200);
    expect(((await conversation.json()) as { messages: { status: string }[] }).messages.map((message) => message.status)).toEqual(['completed', 'streaming']);
    const resumed = await postChat(api.url, victim, {}, { 'Last-Event-ID': seen.at(-1)!.id! });
    expect(resumed.status).toBe(200);
    agent.release();
    const rest = await readAllEvents(resumed);
    expect(rest.map((event) => event.event)).toEqual(['chunk', 'chunk', 'end']);
    expect(replyText([...seen, ...rest])).toBe('held released');

    const refusals = answers.flat().filter((answer) => answer.status !== 200);
    expect(refusals.length).toBeGreaterThan(0);
    for (const refusal of refusals) {
      expect(refusal).toMatchObject({ status: 503, code: 'store_full' });
      expect(Number(refusal.retryAfter)).toBeGreaterThanOrEqual(1);
    }
  });

  it("drops only a user's own least recently active conversation at their bound", async () => {
    api = await startTestApi({ MAX_CONVERSATIONS_PER_USER: '2' }, { agent: new GatedAgent() });
    const other = await api.guest();
    const theirs = conversationOf(await readAllEvents(await postChat(api.url, other, { message: 'mine' })));
    const token = await api.guest();
    const mine: string[] = [];
    for (const message of ['one', 'two', 'three']) mine.push(conversationOf(await readAllEvents(await postChat(api.url, token, { message }))));
    expect((await getConversation(api, token, mine[0])).status).toBe(404);
    expect((await getConversation(api, token, mine[1])).status).toBe(200);
    expect((await getConversation(api, token, mine[2])).status).toBe(200);
    expect((await getConversation(api, other, theirs)).status).toBe(200);
  });

  it('answers 429 when all of a user\'s conversations have a reply in progress', async () => {
    const agent = new GatedAgent();
    api = await startTestApi({ MAX_CONVERSATIONS_PER_USER: '1' }, { agent });
    const token = await api.guest();
    await startHeldReply(api, token);
    const res = await postChat(api.url, token, { message: 'another' });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('too_many_conversations');
    agent.release();
  });

  it('refuses a new conversation at MAX_CONVERSATIONS with 503, and a retry with the same request_id starts afresh once there is room', async () => {
    api = await startTestApi({ MAX_CONVERSATIONS: '1', CONVERSATION_RETENTION_DAYS: String(1 / 86_400) }, { agent: new GatedAgent() });
    await readAllEvents(await postChat(api.url, await api.guest(), { message: 'first' }));
    const token = await api.guest();
    const body = { message: 'second', request_id: randomUUID() };
    const refused = await postChat(api.url, token, body);
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const { error } = (await refused.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('store_full');
    expect(error.message).toMatch(/conversations/);
    const events = await eventually(async () => {
      const res = await postChat(api!.url, token, body);
      expect(res.status).toBe(200);
      return readAllEvents(res);
    });
    expect(events.at(-1)?.event).toBe('end');
    expect(replyText(events)).toBe('second');
  });

  it('refuses a new stream with 503 when MAX_RETAINED_STREAMS streams are all still producing', async () => {
    const agent = new GatedAgent();
    api = await startTestApi({ MAX_RETAINED_STREAMS: '1' }, { agent });
    await startHeldReply(api, await api.guest());
    const res = await postChat(api.url, await api.guest(), { message: 'no room' });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('store_full');
    agent.release();
    await eventually(async () => {
      const next = await postChat(api!.url, await api!.guest(), { message: 'room now' });
      expect(next.status).toBe(200);
      expect(replyText(await readAllEvents(next))).toBe('room now');
    });
  });
});
