import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postChat, readAllEvents } from '../support/sse.js';
import { startTestApi, type TestApi } from '../support/test-api.js';

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
    ['a body over 64 KiB', { message: 'hi', metadata: { pad: 'x'.repeat(70_000) } }, {}, 413, 'body_too_large'],
    ['a wrong content type', 'message=hi', { 'Content-Type': 'application/x-www-form-urlencoded' }, 415, 'unsupported_media_type'],
    ['no content type', '{"message":"hi"}', { 'Content-Type': '' }, 415, 'unsupported_media_type'],
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

  it('answers unknown routes with a JSON 404', async () => {
    const res = await fetch(`${api.url}/nope`);
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe('not_found');
  });

  it('keeps serving after all of that', async () => {
    const events = await readAllEvents(await postChat(api.url, token, { message: 'still there?' }));
    expect(events.map((event) => event.event)).toContain('end');
  });
});
