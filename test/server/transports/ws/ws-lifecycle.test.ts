import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoReply } from '../../../../server/agents/demo-agent.js';
import type { WsEventMessage, WsServerMessage } from '../../../../protocol/index.js';
import { startApiProcess } from '../../../support/api-process.js';
import { postChat, readAllEvents, readThenDrop, type SseMessage } from '../../../support/sse.js';
import { startTestApi, type TestApi } from '../../../support/test-api.js';
import { ScriptedAgent } from '../../../support/test-agents.js';
import { waitFor } from '../../../support/wait-for.js';
import { connectWs, openChatSocket, type WsTestClient } from '../../../support/ws-client.js';

const slowPieces = (n: number, delayMs = 15) => ({ pieces: Array.from({ length: n }, (_, i) => `w${i} `), delay_ms: delayMs });
const asSse = (event: WsEventMessage): SseMessage => ({ event: event.event, id: event.id, data: JSON.stringify(event.data) });
const streamIdOf = (events: WsEventMessage[]) => (events[0].event === 'start' ? events[0].data.stream_id : '');

/** Takes `count` events, then cuts the connection without a close handshake. */
async function readThenTerminate(client: WsTestClient, count: number): Promise<WsEventMessage[]> {
  const events: WsEventMessage[] = [];
  while (events.length < count) {
    const message = await client.next();
    if ('event' in message) events.push(message);
  }
  client.ws.terminate();
  return events;
}

describe('WebSocket streams: resume, stop and limits', () => {
  let api: TestApi;
  let token: string;
  let otherToken: string;

  beforeAll(async () => {
    api = await startTestApi({ HEARTBEAT_MS: '50' }, { agent: new ScriptedAgent() });
    token = await api.login();
    const guest = await fetch(`${api.url}/auth/guest`, { method: 'POST', headers: { Origin: 'http://localhost:1234' } });
    otherToken = (await guest.json()).access_token;
  });
  afterAll(() => api.close());

  it('resumes after a cut on a new socket with the exact remainder: nothing lost, nothing repeated', async () => {
    const first = await openChatSocket(api.url, token);
    first.send({ type: 'chat', message: 'cut', metadata: slowPieces(20) });
    const before = await readThenTerminate(first, 5);

    const second = await openChatSocket(api.url, token);
    second.send({ type: 'resume', last_event_id: before.at(-1)?.id });
    const rest = await second.events();
    const streamId = streamIdOf(before);
    expect(rest[0].id).toBe(`${streamId}:6`);
    second.send({ type: 'resume', last_event_id: `${streamId}:0` });
    const whole = await second.events();
    expect([...before, ...rest]).toEqual(whole);
    expect(whole.at(-1)).toMatchObject({ event: 'end', data: { status: 'completed' } });
    // From the terminal event there is nothing left: the read says so instead of going silent.
    second.send({ type: 'resume', last_event_id: whole.at(-1)?.id });
    expect(await second.next()).toEqual({ type: 'read_end' });
    second.close();
  });

  it('resumes over SSE a stream started over WebSocket, and the other way round', async () => {
    const ws = await openChatSocket(api.url, token);
    ws.send({ type: 'chat', message: 'ws first', metadata: slowPieces(10) });
    const wsPart = await readThenTerminate(ws, 4);
    const sseRest = await readAllEvents(await postChat(api.url, token, {}, { 'Last-Event-ID': wsPart.at(-1)!.id }));
    const wsWhole = await readAllEvents(await postChat(api.url, token, {}, { 'Last-Event-ID': `${streamIdOf(wsPart)}:0` }));
    expect([...wsPart.map(asSse), ...sseRest]).toEqual(wsWhole);

    const controller = new AbortController();
    const ssePart = await readThenDrop(await postChat(api.url, token, { message: 'sse first', metadata: slowPieces(10) }, {}, controller.signal), 4, controller);
    const resumer = await openChatSocket(api.url, token);
    resumer.send({ type: 'resume', last_event_id: ssePart.at(-1)!.id });
    const wsRest = await resumer.events();
    resumer.send({ type: 'resume', last_event_id: ssePart[0].id!.replace(/:\d+$/, ':0') });
    const sseWhole = (await resumer.events()).map(asSse);
    expect([...ssePart, ...wsRest.map(asSse)]).toEqual(sseWhole);
    resumer.close();
  });

  it('stops a stream with a stop message: readers get end cancelled, now and on resume', async () => {
    const client = await openChatSocket(api.url, token);
    client.send({ type: 'chat', message: 'stop me', metadata: slowPieces(200) });
    const start = await client.next();
    expect(start).toMatchObject({ event: 'start' });
    const streamId = 'event' in start && start.event === 'start' ? start.data.stream_id : '';
    client.send({ type: 'stop', stream_id: streamId });
    const messages: WsServerMessage[] = [];
    for (let message = await client.next(); !('event' in message && message.event === 'end'); message = await client.next()) messages.push(message);
    expect(messages).toContainEqual({ type: 'stopped', stream_id: streamId });
    const later = await openChatSocket(api.url, token);
    later.send({ type: 'resume', last_event_id: `${streamId}:0` });
    const replay = await later.events();
    expect(replay.at(-1)).toMatchObject({ event: 'end', data: { status: 'cancelled' } });
    expect(replay.filter((event) => event.event === 'chunk').length).toBeLessThan(200);
    client.close();
    later.close();
  });

  it("refuses another user's stream with 404, to resume and to stop", async () => {
    const mine = await openChatSocket(api.url, token);
    mine.send({ type: 'chat', message: 'mine', metadata: slowPieces(2, 0) });
    const events = await mine.events();
    const theirs = await openChatSocket(api.url, otherToken);
    theirs.send({ type: 'resume', last_event_id: events[1].id });
    expect(await theirs.next()).toMatchObject({ type: 'error', status: 404, error: { code: 'stream_not_found' } });
    theirs.send({ type: 'stop', stream_id: streamIdOf(events) });
    expect(await theirs.next()).toMatchObject({ type: 'error', status: 404, error: { code: 'stream_not_found' } });
    mine.close();
    theirs.close();
  });

  it('pings every HEARTBEAT_MS and terminates a peer that does not answer', async () => {
    const deaf = await openChatSocket(api.url, token, { autoPong: false });
    const alive = await openChatSocket(api.url, token);
    let pings = 0;
    alive.ws.on('ping', () => (pings += 1));
    expect((await deaf.closed).code).toBe(1006);
    await waitFor(() => pings >= 3, 'three pings');
    expect(alive.ws.readyState).toBe(alive.ws.OPEN);
    alive.close();
  });

  it('counts WebSocket reads in the stream metrics, wire bytes under encoding "ws"', async () => {
    const { metrics } = api.services;
    const value = async (read: () => Promise<{ values: { value: number; labels: Record<string, unknown> }[] }>, labels: Record<string, string> = {}) =>
      (await read()).values.filter((entry) => Object.entries(labels).every(([name, label]) => entry.labels[name] === label)).reduce((sum, entry) => sum + entry.value, 0);
    const chunksBefore = await value(() => metrics.events.get(), { event: 'chunk' });
    const bytesBefore = await value(() => metrics.wireBytes.get(), { encoding: 'ws' });
    const client = await openChatSocket(api.url, token);
    client.send({ type: 'chat', message: 'count me', metadata: { pieces: ['a', 'b', 'c'] } });
    await client.events();
    client.close();
    await waitFor(async () => (await value(() => metrics.open.get())) === 0, 'the read to close');
    expect((await value(() => metrics.events.get(), { event: 'chunk' })) - chunksBefore).toBe(4);
    expect((await value(() => metrics.wireBytes.get(), { encoding: 'ws' })) - bytesBefore).toBeGreaterThan(400);
    expect(api.services.openStreams.size).toBe(0);
  });
});

describe('WebSocket limits', () => {
  it('applies RATE_LIMIT_PER_MINUTE to new messages (not resumes) and MAX_CONCURRENT_STREAMS_PER_USER to reads', async () => {
    const api = await startTestApi({ RATE_LIMIT_PER_MINUTE: '2', MAX_CONCURRENT_STREAMS_PER_USER: '1' }, { agent: new ScriptedAgent() });
    try {
      const token = await api.login();
      const client = await openChatSocket(api.url, token);
      client.send({ type: 'chat', message: 'one', metadata: slowPieces(20) });
      const start = await client.next();
      const other = await openChatSocket(api.url, token);
      other.send({ type: 'chat', message: 'two' });
      expect(await other.next()).toMatchObject({ type: 'error', status: 429, error: { code: 'too_many_streams' }, retry_after: 1 });
      await client.events();
      other.send({ type: 'chat', message: 'three' });
      expect(await other.next()).toMatchObject({ type: 'error', status: 429, error: { code: 'rate_limited' } });
      other.send({ type: 'resume', last_event_id: 'event' in start ? start.id : '' });
      expect((await other.events()).at(-1)).toMatchObject({ event: 'end' });
      client.close();
      other.close();
    } finally {
      await api.close();
    }
  });

  it('counts RATE_LIMIT_PER_MINUTE once for a user on both transports, without Redis', async () => {
    const api = await startTestApi({ RATE_LIMIT_PER_MINUTE: '2' });
    try {
      const token = await api.login();
      await readAllEvents(await postChat(api.url, token, { message: 'over HTTP' }));
      const client = await openChatSocket(api.url, token);
      client.send({ type: 'chat', message: 'over the socket' });
      expect((await client.events()).at(-1)).toMatchObject({ event: 'end' });
      const limited = await postChat(api.url, token, { message: 'one more over HTTP' });
      expect(limited.status).toBe(429);
      expect((await limited.json()).error.code).toBe('rate_limited');
      client.send({ type: 'chat', message: 'one more over the socket' });
      expect(await client.next()).toMatchObject({ type: 'error', status: 429, error: { code: 'rate_limited' } });
      client.close();
    } finally {
      await api.close();
    }
  });

  it('disconnects a reader that stops reading, and the reply can be resumed whole', async () => {
    const pieces = 2000;
    const api = await startTestApi(
      { READER_STALL_MS: '300', MAX_REPLY_BYTES: String(64 * 1024 * 1024), MAX_REPLY_CHUNKS: '5000' },
      { agent: new ScriptedAgent() },
    );
    try {
      const token = await api.login();
      const client = await openChatSocket(api.url, token);
      client.send({ type: 'chat', message: 'flood', metadata: { pieces: ['x'.repeat(16 * 1024)], repeat: pieces } });
      const start = await client.next();
      client.ws.pause(); // the kernel buffers fill, then the server's queue grows past its bound
      await waitFor(() => api.services.openStreams.size === 0, 'the stalled reader to be cut');
      client.ws.terminate();
      const reader = await openChatSocket(api.url, token);
      reader.send({ type: 'resume', last_event_id: 'event' in start ? start.id.replace(/:\d+$/, ':0') : '' });
      const events = await reader.events();
      expect(events.filter((event) => event.event === 'chunk')).toHaveLength(pieces + 1);
      expect(events.at(-1)?.event).toBe('end');
      reader.close();
    } finally {
      await api.close();
    }
  });
});

describe('WebSocket shutdown (a real child process)', () => {
  it('on SIGTERM lets a reply being read finish, closes every socket with 1001, and exits 0', async () => {
    const api = await startApiProcess({ DEMO_TOKEN_DELAY_MS: '40', SHUTDOWN_GRACE_MS: '20000' });
    const login = await fetch(`${api.url}/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'test', password: 'test' }) });
    const reading = await openChatSocket(api.url, (await login.json()).access_token);
    const idle = await connectWs(api.url);
    reading.send({ type: 'chat', message: 'finish me' });
    expect(await reading.next()).toMatchObject({ event: 'start' });
    api.child.kill('SIGTERM');
    const events = await reading.events();
    expect(events.at(-1)).toMatchObject({ event: 'end', data: { status: 'completed' } });
    expect(events.filter((event) => event.event === 'chunk').map((event) => (event.event === 'chunk' && event.data.type === 'content' ? event.data.content : '')).join('')).toBe(demoReply('finish me'));
    expect((await reading.closed).code).toBe(1001);
    expect((await idle.closed).code).toBe(1001);
    expect((await api.exited).code).toBe(0);
  });
});
