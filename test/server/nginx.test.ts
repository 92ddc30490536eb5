import { request } from 'node:http';
import { createGunzip } from 'node:zlib';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasNginx, startNginx, type RunningNginx } from '../../bench/nginx-process.js';
import { postChat, readAllEvents, sseEvents } from '../support/sse.js';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { ScriptedAgent } from '../support/test-agents.js';
import { openChatSocket } from '../support/ws-client.js';

// Skipped only where nginx is absent and this is not CI; under CI a missing nginx fails.
const run = hasNginx || process.env.CI === 'true' ? describe : describe.skip;

/** Reads a gzip stream through the proxy, noting how many pieces the agent had produced at each chunk. */
function readGzipThroughProxy(url: string, token: string, body: object, agent: ScriptedAgent): Promise<{ events: EventSourceMessage[]; producedAt: number[] }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/stream/chat`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}`, 'Accept-Encoding': 'gzip' } });
    req.on('error', reject);
    req.end(JSON.stringify(body));
    req.on('response', (res) => {
      expect(res.headers['content-encoding']).toBe('gzip');
      const events: EventSourceMessage[] = [];
      const producedAt: number[] = [];
      const parser = createParser({
        onEvent: (event) => {
          events.push(event);
          if (event.event === 'chunk') producedAt.push(agent.produced);
        },
      });
      const text = res.pipe(createGunzip());
      text.on('data', (data: Buffer) => parser.feed(data.toString('utf8')));
      text.on('end', () => resolve({ events, producedAt }));
      text.on('error', reject);
    });
  });
}

run('behind nginx with the README configuration', () => {
  let api: TestApi;
  let nginx: RunningNginx;
  let token: string;
  const agent = new ScriptedAgent();
  const paced = { message: 'through the proxy', metadata: { pieces: Array.from({ length: 6 }, (_, i) => `p${i} `), delay_ms: 120 } };

  beforeAll(async () => {
    api = await startTestApi({}, { agent });
    nginx = await startNginx([new URL(api.url).host]);
    token = await api.login();
  });
  afterAll(async () => {
    await nginx?.stop();
    await api?.close();
  });

  it('passes chunks on one by one, uncompressed', async () => {
    const res = await postChat(nginx.url, token, paced);
    const producedAtChunk: number[] = [];
    const before = agent.produced;
    for await (const event of sseEvents(res.body!)) if (event.event === 'chunk') producedAtChunk.push(agent.produced - before);
    // Each chunk arrived before the agent had written the next piece: nothing was held back.
    expect(producedAtChunk.slice(0, 6)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('passes gzip chunks on one by one', async () => {
    const before = agent.produced;
    const { events, producedAt } = await readGzipThroughProxy(nginx.url, token, paced, agent);
    expect(events.at(-1)!.event).toBe('end');
    expect(producedAt.slice(0, 6).map((count) => count - before)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('carries the WebSocket transport', async () => {
    const client = await openChatSocket(nginx.url, token);
    try {
      client.send({ type: 'chat', message: 'over ws', metadata: { pieces: ['a ', 'b'] } });
      const events = await client.events();
      expect(events.map((event) => event.event)).toEqual(['start', 'chunk', 'chunk', 'chunk', 'end']);
    } finally {
      client.close();
    }
  });

  it('resumes through the proxy with Last-Event-ID', async () => {
    const controller = new AbortController();
    const res = await postChat(nginx.url, token, paced, {}, controller.signal);
    const seen: EventSourceMessage[] = [];
    try {
      for await (const event of sseEvents(res.body!)) {
        seen.push(event);
        if (seen.length === 3) controller.abort();
      }
    } catch {
      // The abort above ends the read; that is the point of this test.
    }
    const rest = await readAllEvents(await postChat(nginx.url, token, {}, { 'Last-Event-ID': seen.at(-1)!.id! }));
    const all = [...seen, ...rest];
    expect(all.map((event) => Number(event.id!.split(':')[1]))).toEqual(all.map((_, index) => index + 1));
    expect(all.at(-1)!.event).toBe('end');
  });
});
