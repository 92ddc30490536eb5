import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postChat, readAllEvents } from '../../support/sse.js';
import { startTestApi, type TestApi } from '../../support/test-api.js';
import { ScriptedAgent } from '../../support/test-agents.js';
import { waitFor } from '../../support/wait-for.js';

describe('stream lifecycle', () => {
  let api: TestApi;
  let token: string;
  const agent = new ScriptedAgent();

  beforeAll(async () => {
    api = await startTestApi({ HEARTBEAT_MS: '50', STREAM_TIMEOUT_MS: '400' }, { agent });
    token = await api.login();
  });
  afterAll(() => api.close());

  it('sends a comment heartbeat during silences', async () => {
    const res = await postChat(api.url, token, { message: 'slow', metadata: { pieces: ['a', 'b'], delay_ms: 150 } });
    const raw = await res.text();
    expect(raw).toMatch(/\n\n:\n\n/);
    expect(raw).toContain('event: end');
  });

  it('ends a stream that runs past STREAM_TIMEOUT_MS with an error event, and aborts the agent', async () => {
    const res = await postChat(api.url, token, { message: 'forever', metadata: { pieces: Array(100).fill('tick '), delay_ms: 50 } });
    const events = await readAllEvents(res);
    const last = events.at(-1)!;
    expect(last.event).toBe('error');
    expect(JSON.parse(last.data)).toMatchObject({ error: 'The stream timed out after 400 ms.', status: 'error', retryable: false });
    expect(events.filter((event) => event.event === 'chunk').length).toBeLessThan(100);
    expect(agent.inputs.at(-1)!.signal.aborted).toBe(true);
  });

  it('turns an agent failure after the headers into an error event', async () => {
    const events = await readAllEvents(await postChat(api.url, token, { message: 'boom', metadata: { pieces: ['partial '], fail: 'kaput' } }));
    expect(events.map((event) => event.event)).toEqual(['start', 'chunk', 'error']);
    const error = JSON.parse(events.at(-1)!.data);
    expect(error).toMatchObject({ status: 'error', error: 'The assistant failed to reply; try again.' });
    expect(error.conversation_id).toBe(JSON.parse(events[0].data).conversation_id);
  });

  it('keeps generating when the client disconnects', async () => {
    const controller = new AbortController();
    const before = agent.produced;
    const res = await postChat(api.url, token, { message: 'walk away', metadata: { pieces: Array(5).fill('step '), delay_ms: 20 } }, {}, controller.signal);
    expect(res.status).toBe(200);
    controller.abort();
    await waitFor(() => agent.produced - before === 5, 'the agent to finish its reply');
    expect(agent.inputs.at(-1)!.signal.aborted).toBe(false);
  });
});
