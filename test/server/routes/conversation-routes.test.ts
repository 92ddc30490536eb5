import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postChat, readAllEvents, sseEvents, type SseMessage } from '../../support/sse.js';
import { startTestApi, type TestApi } from '../../support/test-api.js';
import { ScriptedAgent } from '../../support/test-agents.js';
import { waitFor } from '../../support/wait-for.js';
import { scrapeMetric } from '../../support/metrics.js';

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

  it('deletes conversations CONVERSATION_RETENTION_DAYS after their last activity', async () => {
    const short = await startTestApi({ CONVERSATION_RETENTION_DAYS: String(1 / 86_400) });
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

describe('a user’s list of conversations: list, rename, delete', () => {
  let api: TestApi;
  let alice: string;
  let guest: string;
  const agent = new ScriptedAgent();

  const call = (path: string, bearer: string, init: RequestInit = {}) =>
    fetch(`${api.url}${path}`, { ...init, headers: { Authorization: `Bearer ${bearer}`, 'Content-Type': 'application/json', ...init.headers } });
  const start = async (bearer: string, message: string) => JSON.parse((await readAllEvents(await postChat(api.url, bearer, { message, metadata: { pieces: ['ok'] } })))[0].data).conversation_id as string;

  beforeAll(async () => {
    api = await startTestApi({}, { agent });
    alice = await api.login();
    guest = await api.guest();
  });
  afterAll(() => api.close());

  it('lists the owner’s conversations newest first, titled by their first message, a page at a time', async () => {
    const ids = [];
    for (const message of ['How hot for green tea?', 'Descaling the kettle', 'Where is my order?']) {
      ids.push(await start(alice, message));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await start(guest, 'Not alice');
    const first = await call('/conversations?limit=2', alice);
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toBe('no-store');
    const page = await first.json();
    expect(page.conversations.map((c: { title: string }) => c.title)).toEqual(['Where is my order?', 'Descaling the kettle']);
    expect(Object.keys(page.conversations[0]).sort()).toEqual(['conversation_id', 'created_at', 'title', 'updated_at']);
    const next = await (await call(`/conversations?limit=2&cursor=${page.next_cursor}`, alice)).json();
    expect(next).toEqual({ conversations: [expect.objectContaining({ conversation_id: ids[0], title: 'How hot for green tea?' })] });
    expect((await (await call(`/conversations/${ids[0]}`, alice)).json()).title).toBe('How hot for green tea?');
  });

  it('renames with PATCH {"title"}, for the owner only', async () => {
    const id = await start(alice, 'Untitled thoughts');
    expect((await call(`/conversations/${id}`, alice, { method: 'PATCH', body: JSON.stringify({ title: '  Grinder settings ' }) })).status).toBe(204);
    expect((await (await call(`/conversations/${id}`, alice)).json()).title).toBe('Grinder settings');
    const theirs = await call(`/conversations/${id}`, guest, { method: 'PATCH', body: JSON.stringify({ title: 'Mine' }) });
    expect(theirs.status).toBe(404);
    expect((await theirs.json()).error.code).toBe('conversation_not_found');
  });

  it('deletes with DELETE, stopping a reply still being written, for the owner only', async () => {
    const res = await postChat(api.url, alice, { message: 'A long one', metadata: { pieces: Array.from({ length: 500 }, (_, i) => `w${i} `), delay_ms: 20 } });
    const events = sseEvents(res.body!)[Symbol.asyncIterator]();
    const { conversation_id: id } = JSON.parse((await events.next()).value.data);
    expect((await call(`/conversations/${id}`, guest, { method: 'DELETE' })).status).toBe(404);
    expect((await call(`/conversations/${id}`, alice, { method: 'DELETE' })).status).toBe(204);
    const rest: SseMessage[] = [];
    for (let next = await events.next(); !next.done; next = await events.next()) rest.push(next.value);
    expect(rest.at(-1)?.event).toBe('end');
    expect(JSON.parse(rest.at(-1)!.data).status).toBe('cancelled');
    expect((await call(`/conversations/${id}`, alice)).status).toBe(404);
    const list = await (await call('/conversations?limit=100', alice)).json();
    expect(list.conversations.map((c: { conversation_id: string }) => c.conversation_id)).not.toContain(id);
  });

  it.each([
    ['GET', '/conversations?limit=0', undefined, 'invalid_query'],
    ['GET', '/conversations?limit=abc', undefined, 'invalid_query'],
    ['GET', '/conversations?cursor=not-one-of-ours', undefined, 'invalid_cursor'],
    ['PATCH', '/conversations/x', '{"title":""}', 'invalid_title'],
    ['PATCH', '/conversations/x', `{"title":"${'t'.repeat(81)}"}`, 'invalid_title'],
    ['PATCH', '/conversations/x', '{"title":"two\\nlines"}', 'invalid_title'],
    ['PATCH', '/conversations/x', '{"name":"no title"}', 'invalid_title'],
    ['PATCH', '/conversations/x', '{not json', 'invalid_json'],
  ])('%s %s answers 400 with a JSON error (%#)', async (method, path, body, code) => {
    const res = await call(path, alice, { method, body });
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe(code);
  });

  it('answers 401 without a token', async () => {
    expect((await fetch(`${api.url}/conversations`)).status).toBe(401);
  });
});

describe('feedback on a reply', () => {
  let api: TestApi;
  let alice: string;
  const agent = new ScriptedAgent();

  const call = (path: string, bearer: string, init: RequestInit = {}) =>
    fetch(`${api.url}${path}`, { ...init, headers: { Authorization: `Bearer ${bearer}`, 'Content-Type': 'application/json', ...init.headers } });

  beforeAll(async () => {
    api = await startTestApi({}, { agent });
    alice = await api.login();
  });
  afterAll(() => api.close());

  it('rates a reply (204), shows the latest rating in GET, counts it, and refuses what is not a reply of yours', async () => {
    const events = await readAllEvents(await postChat(api.url, alice, { message: 'Rate me', metadata: { pieces: ['An answer.'] } }));
    const id = JSON.parse(events[0].data).conversation_id;
    const [question, answer] = (await (await call(`/conversations/${id}`, alice)).json()).messages;
    expect(answer.id).toMatch(/^[0-9a-f-]{36}$/);
    const feedback = (body: unknown, messageId = answer.id, bearer = alice) =>
      call(`/conversations/${id}/messages/${messageId}/feedback`, bearer, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });

    expect((await feedback({ rating: 'down', comment: ' Too vague. ' })).status).toBe(204);
    expect((await (await call(`/conversations/${id}`, alice)).json()).messages[1].feedback).toEqual({ rating: 'down', comment: 'Too vague.', created_at: expect.any(String) });
    expect((await feedback({ rating: 'up' })).status).toBe(204);
    expect((await (await call(`/conversations/${id}`, alice)).json()).messages[1].feedback).toEqual({ rating: 'up', created_at: expect.any(String) });
    const counted = await scrapeMetric(api.url, 'chat_feedback_total');
    expect([...counted.entries()].filter(([labels]) => labels.startsWith('rating=')).map(([labels, value]) => [labels.split(',')[0], value]).sort()).toEqual([
      ['rating=down', 1],
      ['rating=up', 1],
    ]);

    const guest = await api.guest();
    for (const [res, status, code] of [
      [await feedback({ rating: 'up' }, answer.id, guest), 404, 'message_not_found'],
      [await feedback({ rating: 'up' }, question.id), 404, 'message_not_found'],
      [await feedback({ rating: 'meh' }), 400, 'invalid_feedback'],
      [await feedback({ rating: 'up', comment: 'x'.repeat(2001) }), 400, 'invalid_feedback'],
      [await feedback({ rating: 'up', extra: 1 }), 400, 'invalid_feedback'],
      [await feedback('{oops'), 400, 'invalid_json'],
    ] as const) {
      expect(res.status).toBe(status);
      expect((await res.json()).error.code).toBe(code);
    }
  });
});
