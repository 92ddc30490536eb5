import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postChat, readAllEvents, readThenDrop, replyText, sseEvents, type SseMessage } from '../../support/sse.js';
import { startTestApi, type TestApi } from '../../support/test-api.js';
import { ScriptedAgent } from '../../support/test-agents.js';
import { waitFor } from '../../support/wait-for.js';

const slowPieces = (n: number, delayMs = 15) => ({ pieces: Array.from({ length: n }, (_, i) => `w${i} `), delay_ms: delayMs });

describe('resumable streams (memory store)', () => {
  let api: TestApi;
  let token: string;
  let otherToken: string;
  const agent = new ScriptedAgent();

  beforeAll(async () => {
    api = await startTestApi({}, { agent });
    token = await api.login();
    const guest = await fetch(`${api.url}/auth/guest`, { method: 'POST', headers: { Origin: 'http://localhost:1234' } });
    otherToken = (await guest.json()).access_token;
  });
  afterAll(() => api.close());

  it('resumes after a dropped connection with the exact remainder: nothing lost, nothing repeated', async () => {
    const controller = new AbortController();
    const first = await readThenDrop(await postChat(api.url, token, { message: 'cut', metadata: slowPieces(20) }, {}, controller.signal), 5, controller);
    expect(first).toHaveLength(5);
    const rest = await readAllEvents(await postChat(api.url, token, { message: 'cut' }, { 'Last-Event-ID': first.at(-1)!.id! }));
    const streamId = JSON.parse(first[0].data).stream_id;
    const whole = await readAllEvents(await postChat(api.url, token, {}, { 'Last-Event-ID': `${streamId}:0` }));
    expect([...first, ...rest]).toEqual(whole);
    expect(replyText(whole)).toBe(slowPieces(20).pieces.join(''));
    expect(rest[0].id).toBe(`${streamId}:6`);
  });

  it('never starts a new generation on resume', async () => {
    const events = await readAllEvents(await postChat(api.url, token, { message: 'once', metadata: slowPieces(3, 0) }));
    const before = agent.inputs.length;
    await readAllEvents(await postChat(api.url, token, { message: 'once again?' }, { 'Last-Event-ID': events[1].id! }));
    expect(agent.inputs.length).toBe(before);
  });

  it('answers a resume from the last event with 200 and nothing', async () => {
    const events = await readAllEvents(await postChat(api.url, token, { message: 'done', metadata: slowPieces(2, 0) }));
    const res = await postChat(api.url, token, {}, { 'Last-Event-ID': events.at(-1)!.id! });
    expect(res.status).toBe(200);
    expect(await readAllEvents(res)).toEqual([]);
  });

  it.each([
    ['garbage', 'not-an-id'],
    ['a negative position', '3b1f4a0e-0000-4000-8000-000000000000:-1'],
    ['trailing junk', '3b1f4a0e-0000-4000-8000-000000000000:1;x'],
    ['an uppercase stream id', '3B1F4A0E-0000-4000-8000-000000000000:1'],
    ['an overlong id', `3b1f4a0e-0000-4000-8000-000000000000:${'9'.repeat(200)}`],
  ])('answers a malformed Last-Event-ID (%s) with 400', async (_name, id) => {
    const res = await postChat(api.url, token, {}, { 'Last-Event-ID': id });
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe('invalid_last_event_id');
  });

  it('answers 404 for a stream that never existed and for someone else\'s', async () => {
    const unknown = await postChat(api.url, token, {}, { 'Last-Event-ID': '3b1f4a0e-0000-4000-8000-000000000000:1' });
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.message).toMatch(/no longer available/);
    const events = await readAllEvents(await postChat(api.url, token, { message: 'mine', metadata: slowPieces(2, 0) }));
    const theirs = await postChat(api.url, otherToken, {}, { 'Last-Event-ID': events[1].id! });
    expect(theirs.status).toBe(404);
    const stop = await fetch(`${api.url}/stream/chat/${JSON.parse(events[0].data).stream_id}`, { method: 'DELETE', headers: { Authorization: `Bearer ${otherToken}` } });
    expect(stop.status).toBe(404);
  });

  it('attaches a retry with the same request_id to the same stream, while it streams, without generating twice', async () => {
    const before = agent.inputs.length;
    const body = { message: 'idempotent', request_id: 'req-123e4567-e89b', metadata: slowPieces(10) };
    const [a, b] = await Promise.all([postChat(api.url, token, body), postChat(api.url, token, body)]);
    const [eventsA, eventsB] = await Promise.all([readAllEvents(a), readAllEvents(b)]);
    expect(eventsA).toEqual(eventsB);
    expect(JSON.parse(eventsA[0].data).request_id).toBe('req-123e4567-e89b');
    expect(agent.inputs.length).toBe(before + 1);
    // The same request id from another user is another request.
    const other = await readAllEvents(await postChat(api.url, otherToken, body));
    expect(JSON.parse(other[0].data).stream_id).not.toBe(JSON.parse(eventsA[0].data).stream_id);
  });

  it('stops a stream: the reader and every later resume get end with status cancelled', async () => {
    const res = await postChat(api.url, token, { message: 'stop me', metadata: slowPieces(200, 20) });
    const events: SseMessage[] = [];
    let stopped = false;
    for await (const event of sseEvents(res.body!)) {
      events.push(event);
      if (events.length === 3 && !stopped) {
        stopped = true;
        const stop = await fetch(`${api.url}/stream/chat/${JSON.parse(events[0].data).stream_id}`, { method: 'DELETE', headers: { Authorization: `Bearer ${token}` } });
        expect(stop.status).toBe(204);
      }
    }
    const last = events.at(-1)!;
    expect(last.event).toBe('end');
    expect(JSON.parse(last.data).status).toBe('cancelled');
    expect(events.length).toBeLessThan(50);
    expect(agent.inputs.at(-1)!.signal.aborted).toBe(true);

    const resumed = await readAllEvents(await postChat(api.url, token, {}, { 'Last-Event-ID': events[1].id! }));
    expect(resumed.at(-1)).toEqual(last);
    const again = await fetch(`${api.url}/stream/chat/${JSON.parse(events[0].data).stream_id}`, { method: 'DELETE', headers: { Authorization: `Bearer ${token}` } });
    expect(again.status).toBe(204);
    expect(await readAllEvents(await postChat(api.url, token, {}, { 'Last-Event-ID': events[1].id! }))).toEqual(resumed);
  });

  it('keeps a finished stream only for STREAM_RETENTION_S', async () => {
    const short = await startTestApi({ STREAM_RETENTION_S: '1' });
    try {
      const shortToken = await short.login();
      const events = await readAllEvents(await postChat(short.url, shortToken, { message: 'fleeting' }));
      expect((await postChat(short.url, shortToken, {}, { 'Last-Event-ID': events[1].id! })).status).toBe(200);
      await waitFor(async () => (await postChat(short.url, shortToken, {}, { 'Last-Event-ID': events[1].id! })).status === 404, 'the stream to expire');
    } finally {
      await short.close();
    }
  });
});
