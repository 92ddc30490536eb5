import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_MCP_CONFIG } from '../../../demo/server/demo-config.js';
import { demoReply } from '../../../server/agents/demo-agent.js';
import { postChat, readAllEvents, replyText, type SseMessage } from '../../support/sse.js';
import { startTestApi, type TestApi } from '../../support/test-api.js';

function steps(events: SseMessage[]): Record<string, unknown>[] {
  return events
    .filter((event) => event.event === 'chunk')
    .map((event) => JSON.parse(event.data))
    .filter((chunk) => chunk.type !== 'content');
}

describe('the demo agent with the demo shop’s MCP server (as npm start runs it)', () => {
  let api: TestApi;
  let token: string;

  beforeAll(async () => {
    api = await startTestApi({ AGENT: 'demo', MCP_CONFIG: DEMO_MCP_CONFIG });
    token = await api.login();
  });
  afterAll(() => api.close());

  it('searches the catalogue when a message asks about products, and answers from the result', async () => {
    const events = await readAllEvents(await postChat(api.url, token, { message: 'Do you have running shoes?' }));
    const [call, result] = steps(events);
    expect(call).toMatchObject({ type: 'tool_call', name: 'search_products', title: 'Search products', arguments: { query: 'Do you have running shoes' } });
    expect(result).toMatchObject({ type: 'tool_result', tool_call_id: call.tool_call_id, status: 'ok' });
    expect(result.content).toContain('**Trail Runner 2** (TR-200): €89, 12 in stock');
    expect(replyText(events)).toContain('**City Runner** (CR-110): €69, out of stock');
    expect(events.at(-1)!.event).toBe('end');
  });

  it('looks up an order by its number', async () => {
    const events = await readAllEvents(await postChat(api.url, token, { message: 'Where is my order #1042?' }));
    expect(steps(events).map((step) => [step.type, step.name])).toEqual([
      ['tool_call', 'get_order_status'],
      ['tool_result', 'get_order_status'],
    ]);
    expect(replyText(events)).toMatch(/^Order 1042 \(Trail Runner 2\) shipped on 2026-12-01 with DHL\./);
  });

  it('says what the shop answered when the tool fails', async () => {
    const events = await readAllEvents(await postChat(api.url, token, { message: 'Status of order 9999?' }));
    expect(steps(events)[1]).toMatchObject({ status: 'error' });
    expect(replyText(events)).toMatch(/^I asked the shop, and it said: There is no order 9999/);
  });

  it('answers other messages as before, with no tool', async () => {
    const events = await readAllEvents(await postChat(api.url, token, { message: 'hello' }));
    expect(steps(events)).toEqual([]);
    expect(replyText(events)).toBe(demoReply('hello'));
  });
});
