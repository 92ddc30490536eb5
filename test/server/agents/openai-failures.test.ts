import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentFailureReason } from '../../../server/agents/agent.js';
import { createLogger } from '../../../server/ops/logger.js';
import { behave, completionEvent, FAKE_API_KEY, FakeOpenAI, type Behaviour } from '../../support/fake-openai.js';
import { postChat, readAllEvents, replyText, type SseMessage } from '../../support/sse.js';
import { agentFailures } from '../../support/metrics.js';
import { startTestApi, type TestApi } from '../../support/test-api.js';

const ROLE_EVENT = `data: ${JSON.stringify({ choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] })}\n\n`;
const ECHOED_KEY = { error: { message: `Incorrect API key provided: ${FAKE_API_KEY}.`, type: 'invalid_request_error' } };

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('upstream failures become error events a site owner can act on', () => {
  let fake: FakeOpenAI;
  let api: TestApi;
  let token: string;
  const logLines: string[] = [];
  const clientVisible: string[] = [];

  beforeAll(async () => {
    fake = await FakeOpenAI.start();
    const log = createLogger('debug', { write: (line: string) => logLines.push(line) });
    api = await startTestApi(fake.env({ OPENAI_TIMEOUT_MS: '300', OPENAI_STALL_MS: '300', OPENAI_HEADERS: '{"X-Secret-Header":"hdr-secret-9d1e"}' }), { log });
    token = await api.login();
  });
  afterAll(async () => {
    await api.close();
    await fake.close();
  });

  /** Runs one chat against `behaviour`; returns its events, its error message and the failure reasons `/metrics` counted. */
  async function chatWith(behaviour: Behaviour, message = 'Hi'): Promise<{ events: SseMessage[]; error: string; counted: string[] }> {
    const before = await agentFailures(api.url);
    fake.use(behaviour);
    const res = await postChat(api.url, token, { message });
    const raw = await res.clone().text();
    clientVisible.push(raw);
    const events = await readAllEvents(res);
    const last = events.at(-1)!;
    expect(last.event).toBe('error');
    const counted = [...(await agentFailures(api.url))].filter(([reason, count]) => count !== before.get(reason)).map(([reason]) => reason);
    return { events, error: JSON.parse(last.data).error, counted };
  }

  it.each<[string, Behaviour, AgentFailureReason, RegExp]>([
    ['a rejected key (401)', behave.status(401, ECHOED_KEY), 'auth', /refused the API key \(HTTP 401\); check OPENAI_API_KEY/],
    ['a forbidden key (403)', behave.status(403, ECHOED_KEY), 'auth', /refused the API key \(HTTP 403\)/],
    ['a server error (500)', behave.status(500, { error: { message: 'boom' } }), 'upstream_error', /failed \(HTTP 500\); try again shortly/],
    ['an overloaded server (503)', behave.status(503, 'upstream connect error'), 'upstream_error', /failed \(HTTP 503\)/],
    [
      'an unknown model (404), echoing the key',
      behave.status(404, { error: { message: `The model 'test-model' does not exist (key ${FAKE_API_KEY})` } }),
      'rejected',
      /does not know the model or the address \(HTTP 404\); check OPENAI_MODEL/,
    ],
    ['a rate limit with a long Retry-After (429)', behave.status(429, { error: { message: 'slow down' } }, { 'Retry-After': '60' }), 'rate_limited', /rate limiting this site \(HTTP 429\); try again in 60 s/],
    ['no token before OPENAI_TIMEOUT_MS', behave.raw([ROLE_EVENT], { end: false }), 'first_token_timeout', /sent nothing within 300 ms \(OPENAI_TIMEOUT_MS\)/],
    ['data that is not JSON', behave.raw(['data: {"choices": [\n\n']), 'malformed', /sent an event whose data is not JSON, not a Chat Completions stream; check that OPENAI_BASE_URL/],
    ['an HTML page instead of a stream', behave.raw(['<html>Welcome to nginx</html>'], { contentType: 'text/html' }), 'malformed', /a response of type text\/html, not a Chat Completions stream/],
    ['a JSON body instead of a stream', behave.status(200, { choices: [{ message: { content: 'hi' } }] }), 'malformed', /a response of type application\/json/],
    ['an error object inside the stream', behave.raw([ROLE_EVENT, 'data: {"error":{"message":"overloaded"}}\n\n']), 'upstream_error', /failed mid-reply; try again/],
    ['a connection dropped before any answer', behave.hangUp(), 'connection', /Could not reach the model provider at http:\/\/127\.0\.0\.1:\d+ \(it closed the connection\)/],
  ])('%s', async (_name, behaviour, reason, message) => {
    const { error, counted } = await chatWith(behaviour);
    expect(error).toMatch(message);
    expect(counted).toEqual([reason]);
  });

  it('keeps what came before a stall mid-reply, then says the model went silent', async () => {
    const { events, error, counted } = await chatWith(behave.raw([ROLE_EVENT, completionEvent('Half an ans'), completionEvent('wer')], { end: false, delayMs: 5 }));
    expect(replyText(events)).toBe('Half an answer');
    expect(error).toMatch(/went silent for 300 ms mid-reply \(OPENAI_STALL_MS\)/);
    expect(counted).toEqual(['stalled']);
  });

  it('keeps what came before a dropped connection mid-reply', async () => {
    const dropMidReply: Behaviour = async (exchange) => {
      await behave.raw([ROLE_EVENT, completionEvent('Cut off')], { end: false })(exchange);
      setTimeout(() => exchange.req.socket.destroy(), 30);
    };
    const { events, error, counted } = await chatWith(dropMidReply);
    expect(replyText(events)).toBe('Cut off');
    expect(error).toMatch(/closed the connection before the reply was complete/);
    expect(counted).toEqual(['connection']);
  });

  it('sends a reply cut at the token limit, then says it was cut (finish_reason "length")', async () => {
    const { events, error, counted } = await chatWith(behave.reply(['The three reasons are: one,', ' two'], { finishReason: 'length' }));
    expect(events.map((event) => event.event)).toEqual(['start', 'chunk', 'error']);
    expect(replyText(events)).toBe('The three reasons are: one, two');
    expect(error).toMatch(/The reply was cut: the model reached its output token limit \(finish_reason "length"\)/);
    expect(counted).toEqual(['truncated']);
    const conversation = await (await fetch(`${api.url}/conversations/${JSON.parse(events[0].data).conversation_id}`, { headers: { Authorization: `Bearer ${token}` } })).json();
    expect(conversation.messages.at(-1)).toMatchObject({ role: 'assistant', content: 'The three reasons are: one, two' });
  });

  it('retries a 429 once after a short Retry-After, and answers', async () => {
    const before = await agentFailures(api.url);
    fake.use(behave.sequence(behave.status(429, { error: { message: 'slow down' } }, { 'Retry-After': '1' }), behave.reply(['Worth the wait.'])));
    const requests = fake.requests.length;
    const events = await readAllEvents(await postChat(api.url, token, { message: 'patience' }));
    expect(replyText(events)).toBe('Worth the wait.');
    const [first, second] = fake.requests.slice(requests);
    expect(fake.requests.length - requests).toBe(2);
    expect(second.receivedAt - first.receivedAt).toBeGreaterThanOrEqual(950);
    expect(await agentFailures(api.url)).toEqual(before);
  });

  it('gives up on a second 429, after one retry', async () => {
    const requests = fake.requests.length;
    const { error, counted } = await chatWith(behave.status(429, { error: { message: 'slow down' } }, { 'retry-after-ms': '100' }));
    expect(fake.requests.length - requests).toBe(2);
    expect(error).toMatch(/rate limiting this site \(HTTP 429\); try again in 1 s/);
    expect(counted).toEqual(['rate_limited']);
  });

  it('keeps a 4xx body, which can quote the system prompt, out of the reply and in the log', async () => {
    const echo = 'Your prompt began with: You are the internal pricing bot';
    const { events, error } = await chatWith(behave.status(400, { error: { message: echo } }));
    expect(error).toMatch(/rejected the request \(HTTP 400\); check OPENAI_MODEL.*server's log has the provider's reason/);
    expect(JSON.stringify(events)).not.toContain('pricing bot');
    expect(logLines.some((line) => line.includes('"msg":"agent failed"') && line.includes('pricing bot'))).toBe(true);
  });

  it('never shows the API key or a secret header to a client or in a log line', async () => {
    expect(clientVisible.length).toBeGreaterThan(10);
    expect(logLines.some((line) => line.includes('"msg":"agent failed"'))).toBe(true);
    for (const text of [...clientVisible, ...logLines]) {
      expect(text).not.toContain(FAKE_API_KEY);
      expect(text).not.toContain('hdr-secret-9d1e');
    }
  });
});

describe('an unreachable provider', () => {
  it('says which address refused the connection, and what to check', async () => {
    const port = await closedPort();
    const fake = await FakeOpenAI.start();
    const api = await startTestApi(fake.env({ OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1` }));
    try {
      const events = await readAllEvents(await postChat(api.url, await api.login(), { message: 'anyone there?' }));
      expect(events.at(-1)!.event).toBe('error');
      expect(JSON.parse(events.at(-1)!.data).error).toBe(
        `Could not reach the model provider at http://127.0.0.1:${port} (connection refused); check OPENAI_BASE_URL and that the server is running.`,
      );
      expect((await agentFailures(api.url)).get('connection')).toBe(1);
    } finally {
      await api.close();
      await fake.close();
    }
  });
});
