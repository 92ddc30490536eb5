import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiProcess, type ApiProcess } from '../support/api-process.js';
import { metric } from '../support/prometheus-text.js';
import { redisAvailability, startTestRedis, type TestRedis } from '../support/redis-server.js';
import { postChat, readAllEvents, readThenDrop, replyText } from '../support/sse.js';
import { loginAt } from '../support/test-api.js';
import { waitFor } from '../support/wait-for.js';

const withRedis = redisAvailability().available ? describe : describe.skip;

/** `GET path` on a connection of its own (no keep-alive), so the cluster deals each to a worker afresh. */
function getOnNewConnection(url: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { agent: false, headers: { Connection: 'close' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (text: string) => (body += text));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}


/** The pids of the processes that logged a line containing `text`. */
function pidsLogging(output: string, text: string): Set<number> {
  const pids = new Set<number>();
  for (const line of output.split('\n')) {
    if (!line.includes(text)) continue;
    const pid = /"pid":(\d+)/.exec(line);
    if (pid) pids.add(Number(pid[1]));
  }
  return pids;
}

withRedis('WORKERS=2: two API processes on one port', () => {
  let store: TestRedis;
  let api: ApiProcess;

  beforeAll(async () => {
    store = await startTestRedis();
    api = await startApiProcess({ WORKERS: '2', REDIS_URL: store.url, CONVERSATION_STORE: 'redis', DEMO_TOKEN_DELAY_MS: '5' });
    await waitFor(() => pidsLogging(api.output(), 'listening').size === 2, 'both workers to listen');
  });
  afterAll(async () => {
    api?.child.kill('SIGKILL');
    await store?.close();
  });

  it('deals connections to both workers, and a stream started on one resumes on the other', async () => {
    for (let i = 0; i < 20; i++) expect((await getOnNewConnection(api.url, '/healthz')).status).toBe(200);
    const workers = pidsLogging(api.output(), 'listening');
    expect(workers.size).toBe(2);

    const token = await loginAt(api.url);
    const controller = new AbortController();
    const first = await readThenDrop(await postChat(api.url, token, { message: 'hello' }, {}, controller.signal), 3, controller);
    const texts = new Set<string>();
    // Several resumes, each on a new connection: whichever worker takes it replays the rest exactly.
    for (let i = 0; i < 4; i++) {
      const resumed = await readAllEvents(await postChat(api.url, token, {}, { 'Last-Event-ID': first.at(-1)!.id!, Connection: 'close' }));
      const streamId = first[0].id!.split(':')[0];
      expect(resumed.map((event) => event.id)).toEqual(resumed.map((_event, index) => `${streamId}:${index + 4}`));
      expect(resumed.at(-1)!.event).toBe('end');
      texts.add(replyText([...first, ...resumed]));
    }
    expect(texts.size).toBe(1);
    // The start and the resumes were served by both workers, not one.
    expect(pidsLogging(api.output(), '/stream/chat')).toEqual(workers);
  });

  it('answers /metrics on either worker with the counts of both', async () => {
    const token = await loginAt(api.url);
    const started = async () => {
      const scraped = await getOnNewConnection(api.url, '/metrics');
      expect(scraped.status).toBe(200);
      return metric(scraped.body, 'stream_chat_started_total');
    };
    const before = await started();
    // Each on a connection of its own: the cluster deals them to both workers.
    for (let i = 0; i < 6; i++) await readAllEvents(await postChat(api.url, token, { message: `count ${i}` }, { Connection: 'close' }));
    expect(pidsLogging(api.output(), '/stream/chat').size).toBe(2);
    // Every scrape, whichever worker takes it, counts the streams both started.
    for (let i = 0; i < 4; i++) expect(await started()).toBe(before + 6);
  });

  it('stops every worker, and itself, on SIGTERM', async () => {
    api.child.kill('SIGTERM');
    expect(await api.exited).toEqual({ code: 0, signal: null });
    expect(pidsLogging(api.output(), 'signal received').size).toBe(2);
  });
});
