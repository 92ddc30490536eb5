import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoReply } from '../../server/agents/demo-agent.js';
import { startApiProcess } from '../support/api-process.js';
import { attempt, SocketRegistry } from '../support/chaos-client.js';
import { runChaos } from '../support/chaos-run.js';
import { redisAvailability, startTestRedis, type TestRedis } from '../support/redis-server.js';
import { postgresAvailable, startTestPostgres, type TestPostgres } from '../support/postgres-server.js';
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

/** The assistant's message of the stream `start` began, once it is no longer streaming (waiting up to `timeoutMs`). */
async function assistantReply(api: TestApi, token: string, start: SseMessage, timeoutMs?: number): Promise<{ content: string; status: string; stream_id: string }> {
  const { conversation_id: conversationId, stream_id: streamId } = JSON.parse(start.data);
  let reply: { content: string; status: string; stream_id: string } | undefined;
  await waitFor(
    async () => {
      const res = await fetch(`${api.url}/conversations/${conversationId}`, { headers: { Authorization: `Bearer ${token}` } });
      reply = (await res.json()).messages.find((message: { stream_id?: string }) => message.stream_id === streamId);
      return reply !== undefined && reply.status !== 'streaming';
    },
    'the reply to end in the conversation',
    timeoutMs,
  );
  return reply!;
}

/** A new message in the conversation of `start` is accepted and answered. */
async function expectNewMessageAccepted(api: TestApi, token: string, start: SseMessage): Promise<void> {
  const next = await postChat(api.url, token, { message: 'again', conversation_id: JSON.parse(start.data).conversation_id });
  expect(next.status).toBe(200);
  expect((await readAllEvents(next)).at(-1)!.event).toBe('end');
}

for (const conversationsIn of postgresAvailable() ? ['Redis', 'PostgreSQL'] : ['Redis'])
withRedis(`when the producing instance dies (conversations in ${conversationsIn})`, () => {
  let store: TestRedis;
  let postgres: TestPostgres | undefined;
  /** The instances' environment: Redis for the streams, and where the conversations are. */
  let env: Record<string, string>;
  beforeAll(async () => {
    store = await startTestRedis();
    env = { REDIS_URL: store.url };
    if (conversationsIn === 'PostgreSQL') {
      postgres = await startTestPostgres();
      env.DATABASE_URL = await postgres.newDatabase();
    }
  }, 60_000);
  afterAll(async () => {
    await store?.close();
    await postgres?.close();
  });

  it('readers on another instance, now and later, get what was logged and then an interrupted error within seconds', async () => {
    const producer = await startApiProcess({ ...env, DEMO_TOKEN_DELAY_MS: '100' });
    const other = await startTestApi(env);
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
      // The reader that found the producer dead also ended the reply in the conversation.
      const reply = await assistantReply(other, token, start);
      expect(reply).toMatchObject({ status: 'error', content: replyText(later), stream_id: streamId });
      await expectNewMessageAccepted(other, token, start);
    } finally {
      producer.child.kill('SIGKILL');
      await other.close();
    }
  });

  it('with nobody reading elsewhere, ends the reply in the conversation with what was logged and frees it within 5 s', async () => {
    const producer = await startApiProcess({ ...env, DEMO_TOKEN_DELAY_MS: '100' });
    const other = await startTestApi(env);
    try {
      const token = await other.login();
      const events = sseEvents((await postChat(producer.url, token, { message: 'doomed too' })).body!)[Symbol.asyncIterator]();
      const start = (await events.next()).value as SseMessage;
      await events.next();
      await events.next();
      producer.child.kill('SIGKILL');
      const reply = await assistantReply(other, token, start, 5_000);
      const logged = await readAllEvents(await postChat(other.url, token, {}, { 'Last-Event-ID': `${JSON.parse(start.data).stream_id}:0` }));
      expect(logged.at(-1)!.event).toBe('error');
      expect(reply.content).toBe(replyText(logged));
      expect(reply.content.length).toBeGreaterThan(0);
      await expectNewMessageAccepted(other, token, start);
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

/**
 * Longer than every timeout it should trip: a command's (1.5 s), a blocked read's (its block and
 * a second's grace), the heartbeat's (3 s) and the short stream timeout below. The freeze
 * lasted 30 s; past those timeouts a longer one takes the same paths.
 */
const FREEZE_MS = 8_000;

withRedis('when Redis stalls mid-stream', () => {
  it('every reader, and every later resume, ends with a terminal event, and the replies end in their conversations', async () => {
    const own = await startTestRedis({ own: true });
    // On `outlasting` the stream timeout outlasts the freeze: its appends are retried through it.
    // On `expiring` the stream times out during the freeze.
    const outlasting = await startTestApi({ REDIS_URL: own.url }, { agent: new ScriptedAgent() });
    const expiring = await startTestApi({ REDIS_URL: own.url, STREAM_TIMEOUT_MS: '4000' }, { agent: new ScriptedAgent() });
    const other = await startTestApi({ REDIS_URL: own.url });
    try {
      const token = await other.login();
      // A reply before loads Redis's scripts, as on a server that has been up a while: a script
      // not loaded yet fails (NOSCRIPT) instead of running late, after the freeze.
      expect((await readAllEvents(await postChat(outlasting.url, token, { message: 'warm-up', metadata: { pieces: ['a'] } }))).at(-1)!.event).toBe('end');
      const body = { message: 'through a freeze', metadata: { pieces: Array.from({ length: 60 }, (_, i) => `p${i} `), delay_ms: 50 } };
      const starts: SseMessage[] = [];
      const readers: Array<Promise<SseMessage[]>> = [];
      for (const producer of [outlasting, expiring]) {
        const events = sseEvents((await postChat(producer.url, token, body)).body!)[Symbol.asyncIterator]();
        const seen = [(await events.next()).value as SseMessage, (await events.next()).value as SseMessage];
        starts.push(seen[0]);
        readers.push((async () => {
          for (let next = await events.next(); !next.done; next = await events.next()) seen.push(next.value);
          return seen;
        })());
        readers.push(readAllEvents(await postChat(other.url, token, {}, { 'Last-Event-ID': seen[1].id! })));
      }

      own.freeze();
      let thawed = false;
      const endedFrozen = readers.map((reader) => reader.then(() => !thawed));
      await sleep(FREEZE_MS);
      thawed = true;
      own.thaw();

      const read = await Promise.all(readers);
      for (const events of read) expect(events.at(-1)!.event).toMatch(/^(end|error)$/);
      // Readers were told at once, with a retryable error, rather than left hanging on Redis.
      expect(await Promise.all(endedFrozen)).toEqual([true, true, true, true]);
      for (const events of read) expect(JSON.parse(events.at(-1)!.data)).toMatchObject({ status: 'error', retryable: true });
      // Every later resume, from any point and on any instance, ends with a terminal event too.
      for (const [index, events] of read.entries()) {
        for (const api of [outlasting, expiring, other]) {
          const resumed = await readAllEvents(await postChat(api.url, token, {}, { 'Last-Event-ID': events.at(-1)!.id! }));
          const whole = await readAllEvents(await postChat(api.url, token, {}, { 'Last-Event-ID': `${JSON.parse(starts[index >> 1].data).stream_id}:0` }));
          expect(resumed.length === 0 || /^(end|error)$/.test(resumed.at(-1)!.event ?? '')).toBe(true);
          expect(whole.at(-1)!.event).toMatch(/^(end|error)$/);
        }
      }
      // The reply whose appends were retried through the freeze completed; the other failed.
      expect(await assistantReply(other, token, starts[0])).toMatchObject({ status: 'completed', content: body.metadata.pieces.join('') });
      expect((await assistantReply(other, token, starts[1])).status).toBe('error');
      for (const start of starts) await expectNewMessageAccepted(other, token, start);
    } finally {
      own.thaw();
      await outlasting.close();
      await expiring.close();
      await other.close();
      await own.close();
    }
  });
});
