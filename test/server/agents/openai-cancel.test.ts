import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { behave, FakeOpenAI } from '../../support/fake-openai.js';
import { postChat, readAllEvents, sseEvents, type SseMessage } from '../../support/sse.js';
import { startTestApi, type TestApi } from '../../support/test-api.js';
import { waitFor } from '../../support/wait-for.js';

/** A reply that would take 20 s: only cancelling it ends it early. */
const ENDLESS = behave.reply(Array.from({ length: 1000 }, (_, i) => `tick${i} `), { delayMs: 20 });

/** Reads events until `stop` says so; returns those read and the rest of the iterator. */
async function readUntil(res: Response, stop: (event: SseMessage) => boolean): Promise<{ seen: SseMessage[]; rest: AsyncIterator<SseMessage> }> {
  const events = sseEvents(res.body!)[Symbol.asyncIterator]();
  const seen: SseMessage[] = [];
  for (;;) {
    const { done, value } = await events.next();
    if (done) throw new Error(`the stream ended before the awaited event: ${seen.map((event) => event.event).join(', ')}`);
    seen.push(value);
    if (stop(value)) return { seen, rest: events };
  }
}

async function drain(events: AsyncIterator<SseMessage>): Promise<SseMessage[]> {
  const rest: SseMessage[] = [];
  for (let next = await events.next(); !next.done; next = await events.next()) rest.push(next.value);
  return rest;
}

describe('cancelling a reply aborts the upstream request at once', () => {
  let fake: FakeOpenAI;
  let api: TestApi;
  let token: string;

  beforeEach(async () => {
    fake = await FakeOpenAI.start();
    fake.use(ENDLESS);
  });
  afterEach(async () => {
    await api.close();
    await fake.close();
  });

  it('closes the upstream connection within 100 ms of a stop (DELETE /stream/chat/{id})', async () => {
    api = await startTestApi(fake.env());
    token = await api.login();
    const { seen, rest } = await readUntil(await postChat(api.url, token, { message: 'go on forever' }), (event) => event.event === 'chunk');
    const streamId = JSON.parse(seen[0].data).stream_id;
    const upstream = fake.last;

    const stopped = await fetch(`${api.url}/stream/chat/${streamId}`, { method: 'DELETE', headers: { Authorization: `Bearer ${token}` } });
    const stopAnsweredAt = performance.now();
    expect(stopped.status).toBe(204);

    const closedAt = await upstream.socketClosed;
    expect(closedAt - stopAnsweredAt).toBeLessThan(100);
    const after = await drain(rest);
    expect(after.at(-1)!.event).toBe('end');
    expect(JSON.parse(after.at(-1)!.data).status).toBe('cancelled');
    expect(upstream.sent.length).toBeLessThan(100);
  });

  it('closes the upstream connection within 100 ms of the stream timeout (STREAM_TIMEOUT_MS)', async () => {
    api = await startTestApi(fake.env({ STREAM_TIMEOUT_MS: '300' }));
    token = await api.login();
    const posted = performance.now();
    const events = await readAllEvents(await postChat(api.url, token, { message: 'go on forever' }));
    const upstream = fake.last;
    expect(JSON.parse(events.at(-1)!.data).error).toBe('The stream timed out after 300 ms.');

    const closedAt = await upstream.socketClosed;
    // The stream's clock starts before the upstream request, so this bound is the stricter one.
    expect(closedAt - posted).toBeGreaterThanOrEqual(300);
    expect(closedAt - upstream.receivedAt).toBeLessThan(300 + 100);
  });

  it('closes the upstream connection when the reply outgrows MAX_REPLY_BYTES, not at the next token', async () => {
    api = await startTestApi(fake.env({ MAX_REPLY_BYTES: '60' }));
    token = await api.login();
    // The first token is over the limit; the second would come 300 ms later.
    fake.use(behave.reply(Array.from({ length: 10 }, () => 'x'.repeat(70)), { delayMs: 300 }));
    const events = await readAllEvents(await postChat(api.url, token, { message: 'go on forever' }));
    const erroredAt = performance.now();
    expect(JSON.parse(events.at(-1)!.data).error).toMatch(/exceeded the limit/);
    expect((await fake.last.socketClosed) - erroredAt).toBeLessThan(100);
  });

  it('keeps the upstream request going when only the client disconnects', async () => {
    api = await startTestApi(fake.env());
    token = await api.login();
    fake.use(behave.reply(Array.from({ length: 10 }, (_, i) => `word${i} `), { delayMs: 20 }));
    const controller = new AbortController();
    await readUntil(await postChat(api.url, token, { message: 'walk away' }, {}, controller.signal), (event) => event.event === 'start');
    controller.abort();
    await waitFor(() => fake.last.sent.length === 10, 'the upstream to send its whole reply');
  });
});
