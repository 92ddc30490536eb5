import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postChat, readAllEvents, sseEvents, type SseMessage } from '../../support/sse.js';
import { startTestApi, type TestApi } from '../../support/test-api.js';
import { ScriptedAgent } from '../../support/test-agents.js';
import { waitFor } from '../../support/wait-for.js';

describe('conversations', () => {
  let api: TestApi;
  let token: string;
  const agent = new ScriptedAgent();

  const getConversation = (id: string, bearer = token) => fetch(`${api.url}/conversations/${id}`, { headers: { Authorization: `Bearer ${bearer}` } });

  beforeAll(async () => {
    api = await startTestApi({}, { agent });
    token = await api.login();
  });
  afterAll(() => api.close());

  it('keeps user and assistant messages and passes the history to the agent', async () => {
    const first = await readAllEvents(await postChat(api.url, token, { message: 'first question', metadata: { pieces: ['first ', 'answer'] } }));
    const conversationId = JSON.parse(first[0].data).conversation_id;
    await readAllEvents(await postChat(api.url, token, { message: 'second question', conversation_id: conversationId, metadata: { pieces: ['second answer'] } }));
    expect(agent.inputs.at(-1)!.messages).toEqual([
      { role: 'user', content: 'first question' },
      { role: 'assistant', content: 'first answer' },
      { role: 'user', content: 'second question' },
    ]);

    const res = await getConversation(conversationId);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.conversation_id).toBe(conversationId);
    expect(body.messages.map((m: { role: string; content: string; status: string }) => [m.role, m.content, m.status])).toEqual([
      ['user', 'first question', 'completed'],
      ['assistant', 'first answer', 'completed'],
      ['user', 'second question', 'completed'],
      ['assistant', 'second answer', 'completed'],
    ]);
    for (const message of body.messages) expect(Number.isNaN(Date.parse(message.created_at))).toBe(false);
  });

  it('shows a streaming reply as streaming, refuses a second message meanwhile with 409, and keeps a stopped reply as cancelled', async () => {
    const res = await postChat(api.url, token, { message: 'long one', metadata: { pieces: Array(300).fill('la '), delay_ms: 10 } });
    const events = sseEvents(res.body!)[Symbol.asyncIterator]();
    const start = JSON.parse((await events.next()).value.data);
    await events.next(); // the first chunk: the reply is under way

    const during = await (await getConversation(start.conversation_id)).json();
    expect(during.messages.at(-1)).toMatchObject({ role: 'assistant', status: 'streaming', stream_id: start.stream_id });

    const busy = await postChat(api.url, token, { message: 'interrupting', conversation_id: start.conversation_id });
    expect(busy.status).toBe(409);
    expect((await busy.json()).error.code).toBe('conversation_busy');

    await fetch(`${api.url}/stream/chat/${start.stream_id}`, { method: 'DELETE', headers: { Authorization: `Bearer ${token}` } });
    let last: SseMessage | undefined;
    for (let next = await events.next(); !next.done; next = await events.next()) last = next.value;
    expect(JSON.parse(last!.data).status).toBe('cancelled');

    const after = await (await getConversation(start.conversation_id)).json();
    const reply = after.messages.at(-1);
    expect(reply.status).toBe('cancelled');
    expect(reply.content.length).toBeGreaterThan(0);
    expect('la '.repeat(300).startsWith(reply.content)).toBe(true);
    expect(reply.content.length).toBeLessThan('la '.repeat(300).length);
  });

  it('answers 404 to anyone but the owner, and for unknown ids', async () => {
    const events = await readAllEvents(await postChat(api.url, token, { message: 'private' }));
    const conversationId = JSON.parse(events[0].data).conversation_id;
    const guest = await fetch(`${api.url}/auth/guest`, { method: 'POST', headers: { Origin: 'http://localhost:1234' } });
    const other = (await guest.json()).access_token;
    expect((await getConversation(conversationId, other)).status).toBe(404);
    expect((await getConversation('no-such-conversation')).status).toBe(404);
  });

  it('expires conversations after CONVERSATION_TTL_S without activity', async () => {
    const short = await startTestApi({ CONVERSATION_TTL_S: '1' });
    try {
      const shortToken = await short.login();
      const events = await readAllEvents(await postChat(short.url, shortToken, { message: 'brief' }));
      const conversationId = JSON.parse(events[0].data).conversation_id;
      const get = () => fetch(`${short.url}/conversations/${conversationId}`, { headers: { Authorization: `Bearer ${shortToken}` } });
      expect((await get()).status).toBe(200);
      await waitFor(async () => (await get()).status === 404, 'the conversation to expire');
      const next = await postChat(short.url, shortToken, { message: 'again', conversation_id: conversationId });
      expect(next.status).toBe(404);
    } finally {
      await short.close();
    }
  });
});
