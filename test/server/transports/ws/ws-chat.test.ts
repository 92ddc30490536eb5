import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_JWT_SECRET } from '../../../../server/config.js';
import type { WsEventMessage, WsServerMessage } from '../../../../protocol/index.js';
import { postChat, readAllEvents, type SseMessage } from '../../../support/sse.js';
import { startTestApi, type TestApi } from '../../../support/test-api.js';
import { ScriptedAgent } from '../../../support/test-agents.js';
import { UpgradeRefused, connectWs, openChatSocket, type WsTestClient } from '../../../support/ws-client.js';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** A WebSocket event as the SSE parser would give it: the same name, id and data text. */
const asSse = (event: WsEventMessage): SseMessage => ({ event: event.event, id: event.id, data: JSON.stringify(event.data) });

/** Events with every UUID (stream, conversation, request ids) replaced, to compare two streams. */
const normalized = (events: SseMessage[]) => events.map((event) => ({ event: event.event, id: event.id?.replace(UUID, 'U'), data: event.data.replace(UUID, 'U') }));

function expectError(message: WsServerMessage, status: number, code: string): void {
  expect(message).toMatchObject({ type: 'error', status, error: { code } });
}

async function expectRefused(connecting: Promise<WsTestClient>, status: number, code: string): Promise<void> {
  const refused = await connecting.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(refused instanceof UpgradeRefused)) throw new Error(`expected the upgrade to be refused, got ${String(refused)}`);
  expect(refused.status).toBe(status);
  expect(JSON.parse(refused.body).error.code).toBe(code);
}

describe('GET /ws/chat', () => {
  let api: TestApi;
  let token: string;
  const agent = new ScriptedAgent();
  const script = { pieces: ['Hello', ', ', 'world', '!\nline "two"'] };

  beforeAll(async () => {
    api = await startTestApi({ MAX_MESSAGE_LENGTH: '100' }, { agent });
    token = await api.login();
  });
  afterAll(() => api.close());

  it('streams the same events as SSE: start, consecutive chunks, end, with consecutive ids', async () => {
    const client = await openChatSocket(api.url, token);
    client.send({ type: 'chat', message: 'hi', metadata: script });
    const events = await client.events();
    client.close();

    expect(events.map((event) => event.event)).toEqual(['start', 'chunk', 'chunk', 'chunk', 'chunk', 'chunk', 'end']);
    const streamId = events[0].event === 'start' ? events[0].data.stream_id : '';
    expect(events.map((event) => event.id)).toEqual(events.map((_, index) => `${streamId}:${index + 1}`));
    expect(events.at(-1)?.data).toMatchObject({ status: 'completed', message_count: 1 });

    const sse = await readAllEvents(await postChat(api.url, token, { message: 'hi', metadata: script }));
    expect(normalized(events.map(asSse))).toEqual(normalized(sse));
    // The same stream read over SSE is identical to the byte: one log, two transports.
    const replayed = await readAllEvents(await postChat(api.url, token, {}, { 'Last-Event-ID': `${streamId}:0` }));
    expect(replayed).toEqual(events.map(asSse));
  });

  it('serves one socket for message after message, in the same conversation', async () => {
    const client = await openChatSocket(api.url, token);
    client.send({ type: 'chat', message: 'first' });
    const first = await client.events();
    const conversationId = first[0].event === 'start' ? first[0].data.conversation_id : '';
    client.send({ type: 'chat', message: 'second', conversation_id: conversationId });
    const second = await client.events();
    expect(second.at(-1)?.data).toMatchObject({ conversation_id: conversationId, status: 'completed', message_count: 2 });
    client.close();
  });

  it('attaches a retried request_id to the stream SSE started, whichever transport sent it first', async () => {
    const requestId = 'retry-across-transports';
    const sse = await readAllEvents(await postChat(api.url, token, { message: 'once', request_id: requestId, metadata: script }));
    const client = await openChatSocket(api.url, token);
    client.send({ type: 'chat', message: 'once', request_id: requestId });
    expect((await client.events()).map(asSse)).toEqual(sse);
    client.close();
  });

  describe('authentication', () => {
    const expectRefusedAuth = async (client: WsTestClient) => {
      expectError(await client.next(), 401, 'unauthorized');
      expect(await client.closed).toEqual({ code: 1008, reason: 'unauthorized' });
    };
    const hs256 = (payload: object) => jwt.sign(payload, DEV_JWT_SECRET, { algorithm: 'HS256' });

    it('refuses a first message that is not auth, and closes with 1008', async () => {
      const client = await connectWs(api.url);
      client.send({ type: 'chat', message: 'hi' });
      await expectRefusedAuth(client);
    });

    it.each([
      ['no token', { type: 'auth' }],
      ['a bad token', { type: 'auth', token: 'not.a.jwt' }],
      ['an expired token', { type: 'auth', token: hs256({ sub: 'test', exp: Math.floor(Date.now() / 1000) - 10 }) }],
      ['a badly signed token', { type: 'auth', token: jwt.sign({ sub: 'test', exp: Math.floor(Date.now() / 1000) + 60 }, 'x'.repeat(40)) }],
    ])('refuses %s with an error and 1008', async (_name, auth) => {
      const client = await connectWs(api.url);
      client.send(auth);
      await expectRefusedAuth(client);
    });

    it('never reads a token from the URL', async () => {
      await expectRefused(connectWs(api.url, { path: `/ws/chat?token=${token}` }), 400, 'token_in_url');
      const client = await connectWs(api.url, { path: `/ws/chat?t=${token}` });
      client.send({ type: 'chat', message: 'hi' });
      await expectRefusedAuth(client);
    });

    it('ends a socket whose token expired since it authenticated', async () => {
      const exp = Math.ceil(Date.now() / 1000) + 1;
      const client = await openChatSocket(api.url, hs256({ sub: 'test', exp }));
      await new Promise((resolve) => setTimeout(resolve, exp * 1000 - Date.now() + 50));
      client.send({ type: 'chat', message: 'too late' });
      await expectRefusedAuth(client);
    });
  });

  describe('upgrades', () => {
    it('refuses a browser origin outside ALLOWED_ORIGINS with 403, and allows a listed one', async () => {
      await expectRefused(connectWs(api.url, { origin: 'https://evil.example' }), 403, 'origin_not_allowed');
      const allowed = await connectWs(api.url, { origin: 'http://localhost:5173' });
      await allowed.authenticate(token);
      allowed.close();
    });

    it('answers 404 to an upgrade on any other path', async () => {
      await expectRefused(connectWs(api.url, { path: '/stream/chat' }), 404, 'not_found');
    });
  });

  describe('bad input', () => {
    let client: WsTestClient;

    beforeAll(async () => {
      client = await openChatSocket(api.url, token);
    });
    afterAll(() => client.close());

    it.each([
      ['malformed JSON', '{"type": "chat", ', 400, 'invalid_json'],
      ['a message that is not an object', '[1, 2]', 400, 'invalid_message'],
      ['an unknown type', { type: 'subscribe' }, 400, 'unknown_type'],
      ['a chat without message', { type: 'chat' }, 400, 'missing_message'],
      ['an empty message', { type: 'chat', message: '  ' }, 400, 'empty_message'],
      ['a message over MAX_MESSAGE_LENGTH', { type: 'chat', message: 'x'.repeat(101) }, 413, 'message_too_long'],
      ['bad metadata', { type: 'chat', message: 'hi', metadata: [1] }, 400, 'invalid_metadata'],
      ['a malformed last_event_id', { type: 'resume', last_event_id: 'nope' }, 400, 'invalid_last_event_id'],
      ['an unknown stream', { type: 'resume', last_event_id: '3b1f4a0e-0000-4000-8000-000000000000:1' }, 404, 'stream_not_found'],
      ['a second auth', { type: 'auth', token: 'x' }, 400, 'already_authenticated'],
    ])('answers %s with an error message and keeps serving', async (_name, message, status, code) => {
      client.send(message);
      expectError(await client.next(), status, code);
      client.send({ type: 'chat', message: 'still there?', metadata: { pieces: ['yes'] } });
      expect((await client.events()).at(-1)?.event).toBe('end');
    });

    it('refuses a second stream while one is being read, with busy', async () => {
      client.send({ type: 'chat', message: 'slow', metadata: { pieces: ['a', 'b', 'c'], delay_ms: 50 } });
      expect(await client.next()).toMatchObject({ event: 'start' });
      client.send({ type: 'chat', message: 'meanwhile' });
      const events: WsServerMessage[] = [];
      for (let message = await client.next(); !('event' in message && message.event === 'end'); message = await client.next()) events.push(message);
      expect(events.filter((message) => 'type' in message)).toEqual([expect.objectContaining({ type: 'error', status: 409, error: expect.objectContaining({ code: 'busy' }) })]);
    });

    it('closes the socket on a message over the body limit (1009)', async () => {
      const big = await openChatSocket(api.url, token);
      big.send({ type: 'chat', message: 'x'.repeat(65 * 1024) });
      expect((await big.closed).code).toBe(1009);
    });
  });
});
