import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoReply } from '../../server/agents/demo-agent.js';
import { freePort } from '../../bench/server-process.js';
import { startApiProcess } from '../support/api-process.js';
import { redisAvailability, startTestRedis, type TestRedis } from '../support/redis-server.js';
import { postChat, readAllEvents, replyText, sseEvents, type SseMessage } from '../support/sse.js';
import { loginAt, startTestApi } from '../support/test-api.js';
import { waitFor } from '../support/wait-for.js';

/** Reads events until the first chunk, then hands back the rest of the iterator. */
async function untilFirstChunk(res: Response): Promise<{ seen: SseMessage[]; rest: AsyncIterator<SseMessage> }> {
  const rest = sseEvents(res.body!)[Symbol.asyncIterator]();
  const seen: SseMessage[] = [];
  while (seen.at(-1)?.event !== 'chunk') seen.push((await rest.next()).value);
  return { seen, rest };
}

async function drain(rest: AsyncIterator<SseMessage>): Promise<SseMessage[]> {
  const events: SseMessage[] = [];
  for (let next = await rest.next(); !next.done; next = await rest.next()) events.push(next.value);
  return events;
}

describe('graceful shutdown (a real child process)', () => {
  it('on SIGTERM: not ready, stops accepting, lets a running reply finish, exits 0', async () => {
    const api = await startApiProcess({ DEMO_TOKEN_DELAY_MS: '40', SHUTDOWN_GRACE_MS: '20000' });
    const token = await loginAt(api.url);
    const { seen, rest } = await untilFirstChunk(await postChat(api.url, token, { message: 'finish me' }));
    api.child.kill('SIGTERM');
    // The signal may reach the process after a request already in flight: poll until it drains.
    // Either the draining answer or a refused connection keeps new traffic away.
    await waitFor(async () => {
      const ready = await fetch(`${api.url}/readyz`).catch(() => undefined);
      return ready === undefined || ready.status === 503;
    }, 'the API to report not ready');
    const events = [...seen, ...(await drain(rest))];
    expect(events.at(-1)!.event).toBe('end');
    expect(replyText(events)).toBe(demoReply('finish me'));
    expect((await api.exited).code).toBe(0);
    expect(api.output()).toContain('all replies finished');
  });

  it('past SHUTDOWN_GRACE_MS ends the remaining replies with an error event telling the user to send again', async () => {
    const api = await startApiProcess({ DEMO_TOKEN_DELAY_MS: '200', SHUTDOWN_GRACE_MS: '300' });
    const token = await loginAt(api.url);
    const { seen, rest } = await untilFirstChunk(await postChat(api.url, token, { message: 'too slow' }));
    api.child.kill('SIGTERM');
    const events = [...seen, ...(await drain(rest))];
    const last = events.at(-1)!;
    expect(last.event).toBe('error');
    expect(JSON.parse(last.data).error).toMatch(/restarting; send your message again/);
    expect((await api.exited).code).toBe(0);
  });

  it('serves /metrics on METRICS_PORT only, when set', async () => {
    const metricsPort = String(await freePort());
    const api = await startApiProcess({ METRICS_PORT: metricsPort });
    try {
      expect((await fetch(`${api.url}/metrics`)).status).toBe(404);
      const scraped = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).toContain('stream_chat_started_total');
    } finally {
      api.child.kill('SIGTERM');
      expect((await api.exited).code).toBe(0);
    }
  });

  it('closes a connection whose headers never finish (HEADERS_TIMEOUT_MS)', async () => {
    const api = await startApiProcess({ HEADERS_TIMEOUT_MS: '500', REQUEST_TIMEOUT_MS: '1000' });
    try {
      const socket = connect(Number(new URL(api.url).port), '127.0.0.1');
      let answer = '';
      socket.on('data', (data) => (answer += data.toString()));
      socket.write('POST /stream/chat HTTP/1.1\r\nHost: x\r\n'); // and nothing more
      await new Promise((resolve) => socket.once('close', resolve));
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
    } finally {
      api.child.kill('SIGTERM');
      await api.exited;
    }
  });
});

const redis = redisAvailability();
const withRedis = redis.available ? describe : describe.skip;

withRedis('graceful shutdown with Redis: nothing lost', () => {
  let store: TestRedis;
  beforeAll(async () => {
    store = await startTestRedis();
  });
  afterAll(() => store.close());

  it('a stream cut short by a shutdown stays whole in Redis and resumable from another instance', async () => {
    const a = await startApiProcess({ REDIS_URL: store.url, DEMO_TOKEN_DELAY_MS: '200', SHUTDOWN_GRACE_MS: '300' });
    const b = await startTestApi({ REDIS_URL: store.url });
    try {
      const token = await loginAt(a.url);
      const { seen, rest } = await untilFirstChunk(await postChat(a.url, token, { message: 'moving house' }));
      a.child.kill('SIGTERM');
      const fromA = [...seen, ...(await drain(rest))];
      expect((await a.exited).code).toBe(0);
      const fromB = await readAllEvents(await postChat(b.url, token, {}, { 'Last-Event-ID': `${JSON.parse(seen[0].data).stream_id}:0` }));
      expect(fromB).toEqual(fromA);
      expect(fromB.at(-1)!.event).toBe('error');
    } finally {
      a.child.kill('SIGKILL');
      await b.close();
    }
  });
});
