import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationView } from '../../../protocol/index.js';
import { postChat, readAllEvents, replyText } from '../../support/sse.js';
import { startTestApi, type TestApi } from '../../support/test-api.js';
import { ScriptedAgent } from '../../support/test-agents.js';

describe('regenerate, edit and versions over HTTP', () => {
  let api: TestApi;
  let token: string;
  const agent = new ScriptedAgent();

  const conversation = async (id: string): Promise<ConversationView> =>
    (await fetch(`${api.url}/conversations/${id}`, { headers: { Authorization: `Bearer ${token}` } })).json();
  const shown = async (id: string) => (await conversation(id)).messages.map(({ role, content, versions }) => [role, content, versions ? `${versions.index + 1}/${versions.count}` : '']);
  const select = (id: string, messageId: string, body: unknown, bearer = token) =>
    fetch(`${api.url}/conversations/${id}/messages/${messageId}/select`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${bearer}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  /** A conversation of two exchanges; returns its id. */
  const twoExchanges = async () => {
    const first = await readAllEvents(await postChat(api.url, token, { message: 'one', metadata: { pieces: ['reply one'] } }));
    const conversationId = JSON.parse(first[0].data).conversation_id as string;
    await readAllEvents(await postChat(api.url, token, { message: 'two', conversation_id: conversationId, metadata: { pieces: ['reply two'] } }));
    return conversationId;
  };

  beforeAll(async () => {
    api = await startTestApi({}, { agent });
    token = await api.login();
  });
  afterAll(() => api.close());

  it('regenerates the last reply as a streamed, resumable version, and switches between versions', async () => {
    const conversationId = await twoExchanges();
    const events = await readAllEvents(await postChat(api.url, token, { conversation_id: conversationId, regenerate: true, metadata: { pieces: ['reply two, again'] } }));
    expect([events[0].event, events.at(-1)?.event]).toEqual(['start', 'end']);
    expect(replyText(events)).toBe('reply two, again');
    const resumed = await readAllEvents(await postChat(api.url, token, {}, { 'Last-Event-ID': events[0].id ?? '' }));
    expect(resumed.map(({ id, event, data }) => [id, event, data])).toEqual(events.slice(1).map(({ id, event, data }) => [id, event, data]));
    expect(agent.inputs.at(-1)?.messages).toEqual([
      { role: 'user', content: 'one' },
      { role: 'assistant', content: 'reply one' },
      { role: 'user', content: 'two' },
    ]);
    expect(await shown(conversationId)).toEqual([
      ['user', 'one', ''],
      ['assistant', 'reply one', ''],
      ['user', 'two', ''],
      ['assistant', 'reply two, again', '2/2'],
    ]);
    const replyId = JSON.parse(events[0].data).message_id as string;
    const switched = await select(conversationId, replyId, { index: 0 });
    expect(switched.status).toBe(200);
    expect(((await switched.json()) as ConversationView).messages.at(-1)).toMatchObject({ content: 'reply two', versions: { index: 0, count: 2 } });
    expect((await shown(conversationId)).at(-1)).toEqual(['assistant', 'reply two', '1/2']);
  });

  it('edits the last message: a new version answered anew, the old one kept', async () => {
    const conversationId = await twoExchanges();
    const last = (await conversation(conversationId)).messages[2];
    const events = await readAllEvents(
      await postChat(api.url, token, { conversation_id: conversationId, edit: { message_id: last.id, message: 'two, rather' }, metadata: { pieces: ['reply to two, rather'] } }),
    );
    expect(events.at(-1)?.event).toBe('end');
    expect(agent.inputs.at(-1)?.messages.at(-1)).toEqual({ role: 'user', content: 'two, rather' });
    // start names the new version of the message, so it can be edited again.
    const { user_message_id: edited, message_id: reply } = JSON.parse(events[0].data);
    expect((await conversation(conversationId)).messages.slice(2).map((message) => message.id)).toEqual([edited, reply]);
    expect((await shown(conversationId)).slice(2)).toEqual([
      ['user', 'two, rather', '2/2'],
      ['assistant', 'reply to two, rather', ''],
    ]);
    await select(conversationId, last.id ?? '', { index: 0 });
    expect((await shown(conversationId)).slice(2)).toEqual([
      ['user', 'two', '1/2'],
      ['assistant', 'reply two', ''],
    ]);
  });

  it('answers impossible revisions with a status and a JSON error, and leaves the conversation as it was', async () => {
    const conversationId = await twoExchanges();
    const before = await conversation(conversationId);
    const first = before.messages[0].id ?? '';
    const cases: [unknown, number, string][] = [
      [{ regenerate: true }, 400, 'invalid_regenerate'],
      [{ conversation_id: conversationId, regenerate: true, message: 'hi' }, 400, 'invalid_regenerate'],
      [{ conversation_id: conversationId, regenerate: 'yes' }, 400, 'invalid_regenerate'],
      [{ conversation_id: conversationId, edit: { message_id: first } }, 400, 'invalid_edit'],
      [{ conversation_id: conversationId, edit: { message_id: first, message: '  ' } }, 400, 'empty_message'],
      [{ conversation_id: conversationId, edit: { message_id: first, message: 'uno' } }, 409, 'not_last_user_message'],
      [{ conversation_id: 'nobody-has-this', regenerate: true }, 404, 'conversation_not_found'],
      [{ conversation_id: conversationId }, 400, 'missing_message'],
    ];
    for (const [body, status, code] of cases) {
      const res = await postChat(api.url, token, body as Record<string, unknown>);
      expect([res.status, ((await res.json()) as { error: { code: string } }).error.code], JSON.stringify(body)).toEqual([status, code]);
    }
    const reply = before.messages[3].id ?? '';
    for (const [body, status, code] of [
      [{ index: 5 }, 400, 'invalid_version'],
      [{ index: -1 }, 400, 'invalid_version'],
      [{ index: '0' }, 400, 'invalid_version'],
    ] as const) {
      const res = await select(conversationId, reply, body);
      expect([res.status, ((await res.json()) as { error: { code: string } }).error.code]).toEqual([status, code]);
    }
    const missing = await select(conversationId, 'no-such-message', { index: 0 });
    expect(missing.status).toBe(404);
    const stranger = await select(conversationId, reply, { index: 0 }, await api.guest());
    expect([stranger.status, ((await stranger.json()) as { error: { code: string } }).error.code]).toEqual([404, 'conversation_not_found']);
    expect(await conversation(conversationId)).toEqual(before);
  });

  it('refuses to regenerate while a reply streams', async () => {
    const conversationId = await twoExchanges();
    const running = await postChat(api.url, token, { conversation_id: conversationId, regenerate: true, metadata: { pieces: Array(200).fill('la '), delay_ms: 10 } });
    const busy = await postChat(api.url, token, { conversation_id: conversationId, regenerate: true });
    expect([busy.status, ((await busy.json()) as { error: { code: string } }).error.code]).toEqual([409, 'conversation_busy']);
    const start = JSON.parse((await readAllEvents(running))[0].data);
    expect(start.conversation_id).toBe(conversationId);
  });
});
