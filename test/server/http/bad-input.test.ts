import { once } from 'node:events';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postChat, readAllEvents } from '../../support/sse.js';
import { startTestApi, type TestApi } from '../../support/test-api.js';

describe('bad input to POST /stream/chat', () => {
  let api: TestApi;
  let token: string;

  beforeAll(async () => {
    api = await startTestApi({ MAX_MESSAGE_LENGTH: '100' });
    token = await api.login();
  });
  afterAll(() => api.close());

  const cases: [string, Record<string, unknown> | string, Record<string, string>, number, string][] = [
    ['malformed JSON', '{"message": "hi"', {}, 400, 'invalid_json'],
    ['a JSON array', '["hi"]', {}, 400, 'invalid_body'],
    ['a missing message', { metadata: {} }, {}, 400, 'missing_message'],
    ['an empty message', { message: '' }, {}, 400, 'empty_message'],
    ['a blank message', { message: ' \n\t ' }, {}, 400, 'empty_message'],
    ['a message that is not a string', { message: 42 }, {}, 400, 'invalid_message'],
    ['metadata that is not an object', { message: 'hi', metadata: [1] }, {}, 400, 'invalid_metadata'],
    ['a malformed conversation id', { message: 'hi', conversation_id: '../../etc' }, {}, 400, 'invalid_conversation_id'],
    ['a malformed request id', { message: 'hi', request_id: 'x'.repeat(65) }, {}, 400, 'invalid_request_id'],
    ['a message over MAX_MESSAGE_LENGTH', { message: 'é'.repeat(101) }, {}, 413, 'message_too_long'],
    ['a body over the limit', { message: 'hi', metadata: { pad: 'x'.repeat(70_000) } }, {}, 413, 'body_too_large'],
    ['a wrong content type', 'message=hi', { 'Content-Type': 'application/x-www-form-urlencoded' }, 415, 'unsupported_media_type'],
    ['no content type', '{"message":"hi"}', { 'Content-Type': '' }, 415, 'unsupported_media_type'],
    ['a charset other than UTF-8', '{"message":"hi"}', { 'Content-Type': 'application/json; charset=latin1' }, 415, 'unsupported_encoding'],
    ['a compressed body', '{"message":"hi"}', { 'Content-Encoding': 'gzip' }, 415, 'unsupported_encoding'],
    ['an empty body', '', {}, 400, 'missing_message'],
    ['an unknown conversation', { message: 'hi', conversation_id: '3b1f4a0e-0000-4000-8000-000000000000' }, {}, 404, 'conversation_not_found'],
  ];

  it.each(cases)('answers %s with its status and a JSON error', async (_name, body, headers, status, code) => {
    const res = await postChat(api.url, token, body, headers);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const json = await res.json();
    expect(json.error.code).toBe(code);
    expect(typeof json.error.message).toBe('string');
    expect(json.error.message.length).toBeGreaterThan(10);
  });

  /** A chat request whose body is sent as it is pulled, chunked, with no Content-Length. */
  const postStreamed = (body: ReadableStream<Uint8Array>, contentType: string) =>
    fetch(`${api.url}/stream/chat`, {
      method: 'POST',
      headers: { 'Content-Type': contentType, Authorization: `Bearer ${token}` },
      body,
      duplex: 'half',
    } as RequestInit);

  it('answers 413 to a body over the limit sent in chunks, with no Content-Length', async () => {
    const piece = new TextEncoder().encode(`{"message":"hi","pad":"${'x'.repeat(20_000)}`);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += 1;
        if (sent > 5) controller.close();
        else controller.enqueue(piece);
      },
    });
    const res = await postStreamed(body, 'application/json');
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe('body_too_large');
  });

  it('reads a JSON body with a UTF-8 charset and split multi-byte characters', async () => {
    const bytes = new TextEncoder().encode(JSON.stringify({ message: 'héllo 😀' }));
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        // Each character's bytes straddle two chunks.
        for (let i = 0; i < bytes.length; i += 3) controller.enqueue(bytes.slice(i, i + 3));
        controller.close();
      },
    });
    const res = await postStreamed(body, 'application/json; charset=UTF-8');
    expect(res.status).toBe(200);
    const events = await readAllEvents(res);
    const conversationId = JSON.parse(events[0].data).conversation_id;
    const conversation = await fetch(`${api.url}/conversations/${conversationId}`, { headers: { Authorization: `Bearer ${token}` } });
    expect((await conversation.json()).messages[0].content).toBe('héllo 😀');
  });

  it('counts message length in characters, not UTF-16 units', async () => {
    const res = await postChat(api.url, token, { message: '😀'.repeat(100) });
    expect(res.status).toBe(200);
    await res.body?.cancel();
  });

  it('answers 404 for another user\'s conversation, as for an unknown one', async () => {
    const events = await readAllEvents(await postChat(api.url, token, { message: 'mine' }));
    const conversationId = JSON.parse(events[0].data).conversation_id;
    const guest = await fetch(`${api.url}/auth/guest`, { method: 'POST', headers: { Origin: 'http://localhost:3000' } });
    const other = (await guest.json()).access_token;
    const res = await postChat(api.url, other, { message: 'theirs', conversation_id: conversationId });
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe('conversation_not_found');
  });

  it.each([
    ['an unknown route', '/nope', 404, 'not_found', false],
    ['the widget\'s file in capitals', '/widget/NGX-CHAT.JS', 404, 'not_found', false],
    ['the widget\'s file with a trailing slash', '/widget/ngx-chat.js/', 404, 'not_found', false],
    ['a malformed percent-escape', '/conversations/%E0%A4%A', 400, 'invalid_path', true],
  ])('answers %s with a JSON error, not a 500', async (_name, path, status, code, authenticated) => {
    const res = await fetch(`${api.url}${path}`, { headers: authenticated ? { Authorization: `Bearer ${token}` } : {} });
    expect(res.status).toBe(status);
    expect((await res.json()).error.code).toBe(code);
  });

  it('keeps serving after all of that', async () => {
    const events = await readAllEvents(await postChat(api.url, token, { message: 'still there?' }));
    expect(events.map((event) => event.event)).toContain('end');
  });
});

describe('bodies and their limit', () => {
  let api: TestApi;
  let token: string;

  beforeAll(async () => {
    // The default MAX_MESSAGE_LENGTH (16384), and no request timeout to end a slow body for us.
    api = await startTestApi({ REQUEST_TIMEOUT_MS: '600000' });
    token = await api.login();
  });
  afterAll(() => api.close());

  it.each([
    ['as UTF-8', (message: string) => JSON.stringify({ message })],
    // What encoders with ASCII-only output send (Python's json.dumps by default): 12 bytes a character.
    ['escaped to ASCII', (message: string) => JSON.stringify({ message }).replace(/[\u{10000}-\u{10FFFF}]/gu, (c) => `\\u${c.charCodeAt(0).toString(16)}\\u${c.charCodeAt(1).toString(16)}`)],
  ])('accepts a message of MAX_MESSAGE_LENGTH four-byte characters %s', async (_name, encode) => {
    const body = encode('😀'.repeat(16_384));
    const res = await postChat(api.url, token, body);
    expect(res.status).toBe(200);
    expect((await readAllEvents(res)).at(-1)?.event).toBe('end');
  });

  it('answers an unauthenticated request at once, without reading its body', async () => {
    const socket = connect(Number(new URL(api.url).port), '127.0.0.1');
    await once(socket, 'connect');
    // Headers and the first bytes of a large body, the rest never sent.
    socket.write('POST /stream/chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 60000\r\n\r\n{"message":"');
    const [answer] = (await once(socket, 'data')) as [Buffer];
    expect(answer.toString()).toMatch(/^HTTP\/1\.1 401 /);
    socket.destroy();
  });
});
