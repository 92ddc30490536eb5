import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoReply } from '../../server/agents/demo-agent.js';
import { startApiProcess } from '../support/api-process.js';
import { attempt, SocketRegistry } from '../support/chaos-client.js';
import { runChaos } from '../support/chaos-run.js';
import { redisAvailability, startTestRedis, type TestRedis } from '../support/redis-server.js';
import { postChat, readAllEvents, replyText, sseEvents, type SseMessage } from '../support/sse.js';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { ScriptedAgent } from '../support/test-agents.js';
import { waitFor } from '../support/wait-for.js';

const redis = redisAvailability();
const withRedis = redis.available ? describe : describe.skip;

withRedis('two API instances sharing Redis', () => {
  let store: TestRedis;
  let a: TestApi;
  let b: TestApi;
  let token: string;
  const agentA = new ScriptedAgent();

  beforeAll(async () => {
    store = await startTestRedis();
    a = await startTestApi({ REDIS_URL: store.url, DEMO_TOKEN_DELAY_MS: '1' }, { agent: agentA });
    b = await startTestApi({ REDIS_URL: store.url, DEMO_TOKEN_DELAY_MS: '1' });
    token = await a.login();
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await store?.close();
  });

  const slow = (n: number) => ({ message: 'shared', metadata: { pieces: Array.from({ length: n }, (_, i) => `s${i} `), delay_ms: 20 } });

  it('resumes, reads and stops through B a stream started on A', async () => {
    const res = await postChat(a.url, token, slow(200));
    const events = sseEvents(res.body!)[Symbol.asyncIterator]();
    const start = JSON.parse((await events.next()).value.data);
    const second = (await events.next()).value as SseMessage;

    const onB = await postChat(b.url, token, {}, { 'Last-Event-ID': second.id! });
    expect(onB.status).toBe(200);
    const readerB = readAllEvents(onB);
    const stop = await fetch(`${b.url}/stream/chat/${start.stream_id}`, { method: 'DELETE', headers: { Authorization: `Bearer ${token}` } });
    expect(stop.status).toBe(204);
    const fromB = await readerB;
    expect(fromB.at(-1)!.event).toBe('end');
    expect(JSON.parse(fromB.at(-1)!.data).status).toBe('cancelled');
    await waitFor(() => agentA.inputs.at(-1)!.signal.aborted, 'the agent on A to be stopped');

    const conversation = await fetch(`${b.url}/conversations/${start.conversation_id}`, { headers: { Authorization: `Bearer ${token}` } });
    expect((await conversation.json()).messages.at(-1).status).toBe('cancelled');
  });

  it('attaches a retry with the same request_id on B to the stream generating on A', async () => {
    const body = { ...slow(10), request_id: 'retry-on-b-1' };
    const before = agentA.inputs.length;
    const first = await postChat(a.url, token, body);
    const retry = await postChat(b.url, token, body);
    const [one, two] = await Promise.all([readAllEvents(first), readAllEvents(retry)]);
    expect(two).toEqual(one);
    expect(agentA.inputs.length).toBe(before + 1);
  });

  it('chaos: 500 streams cut at random and resumed on the other instance lose and repeat nothing', async () => {
    const registries = new Map([
      [a.url, new SocketRegistry(a.server)],
      [b.url, new SocketRegistry(b.server)],
    ]);
    const demoA = await startTestApi({ REDIS_URL: store.url, DEMO_TOKEN_DELAY_MS: '1' });
    registries.set(demoA.url, new SocketRegistry(demoA.server));
    try {
      const report = await runChaos({ urls: [demoA.url, b.url], token, streams: 500, concurrency: 25, registries, expectedText: demoReply, attempt, seed: 7 });
      expect(report.failures).toEqual([]);
      expect(report.completed).toBe(500);
      expect(report.resumedSeveralTimes).toBeGreaterThan(50);
    } finally {
      await demoA.close();
    }
  });

  it('shares the per-user rate limit between instances', async () => {
    const limitedA = await startTestApi({ REDIS_URL: store.url, RATE_LIMIT_PER_MINUTE: '2' }, { agent: new ScriptedAgent() });
    const limitedB = await startTestApi({ REDIS_URL: store.url, RATE_LIMIT_PER_MINUTE: '2' }, { agent: new ScriptedAgent() });
    try {
      const guest = await fetch(`${limitedA.url}/auth/guest`, { method: 'POST', headers: { Origin: 'http://localhost:9' } });
      const guestToken = (await guest.json()).access_token;
      const send = (api: TestApi) => postChat(api.url, guestToken, { message: 'count me', metadata: { pieces: ['a'] } });
      expect((await send(limitedA)).status).toBe(200);
      expect((await send(limitedB)).status).toBe(200);
      expect((await send(limitedA)).status).toBe(429);
      expect((await send(limitedB)).status).toBe(429);
    } finally {
      await limitedA.close();
      await limitedB.close();
    }
  });
});

withRedis('when the producing instance dies', () => {
  let store: TestRedis;
  beforeAll(async () => {
    store = await startTestRedis();
  });
  afterAll(() => store?.close());

  it('readers on another instance, now and later, get what was logged and then an interrupted error within seconds', async () => {
    const producer = await startApiProcess({ REDIS_URL: store.url, DEMO_TOKEN_DELAY_MS: '100' });
    const other = await startTestApi({ REDIS_URL: store.url });
    try {
      const token = await other.login();
      const res = await postChat(producer.url, token, { message: 'doomed' });
      const events = sseEvents(res.body!)[Symbol.asyncIterator]();
      const start = (await events.next()).value as SseMessage;
      const streamId = JSON.parse(start.data).stream_id;
      const reading = readAllEvents(await postChat(other.url, token, {}, { 'Last-Event-ID': start.id! }));
      await events.next();
      producer.child.kill('SIGKILL');
      const seen = await reading;
      const last = seen.at(-1)!;
      expect(last.event).toBe('error');
      expect(JSON.parse(last.data).error).toMatch(/interrupted/);
      expect(replyText(seen).length).toBeGreaterThan(0);
      const later = await readAllEvents(await postChat(other.url, token, {}, { 'Last-Event-ID': `${streamId}:0` }));
      expect(later.slice(1)).toEqual(seen);
    } finally {
      producer.child.kill('SIGKILL');
      await other.close();
    }
  });
});

withRedis('when Redis goes away', () => {
  it('answers 503 with a JSON error, reports not ready, keeps running, and recovers', async () => {
    const own = await startTestRedis({ own: true });
    const api = await startTestApi({ REDIS_URL: own.url });
    try {
      const token = await api.login();
      expect((await postChat(api.url, token, { message: 'before' })).status).toBe(200);
      await own.stop();
      const down = await postChat(api.url, token, { message: 'during' });
      expect(down.status).toBe(503);
      expect(down.headers.get('retry-after')).toBe('2');
      expect((await down.json()).error.code).toBe('store_unavailable');
      expect((await fetch(`${api.url}/readyz`)).status).toBe(503);
      expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
      await own.restart();
      await waitFor(async () => (await fetch(`${api.url}/readyz`)).status === 200, 'the API to be ready again');
      const after = await readAllEvents(await postChat(api.url, token, { message: 'after' }));
      expect(after.at(-1)!.event).toBe('end');
    } finally {
      await api.close();
      await own.close();
    }
  });

  it('keeps limiting password guesses on each instance while Redis is down', async () => {
    const own = await startTestRedis({ own: true });
    const api = await startTestApi({ REDIS_URL: own.url, LOGIN_RATE_LIMIT_PER_MINUTE: '10' });
    try {
      await own.stop();
      const guess = () => fetch(`${api.url}/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'test', password: 'guess' }) });
      const answers: Response[] = [];
      for (let i = 0; i < 14; i += 1) answers.push(await guess());
      expect(answers.map((res) => res.status)).toEqual([...Array(10).fill(401), ...Array(4).fill(429)]);
      const limited = answers.at(-1)!;
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await limited.json()).error).toMatchObject({ code: 'rate_limited', message: expect.stringMatching(/^Too many login attempts; retry in \d+ s\.$/) });
    } finally {
      await api.close();
      await own.close();
    }
  });
});
