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
    const events = await readAllEvents(await postChat(api.url, token, { message: 'Which kettles do you sell?' }));
    const [call, result] = steps(events);
    expect(call).toMatchObject({ type: 'tool_call', name: 'search_products', title: 'Search products', arguments: { query: 'Which kettles do you sell' } });
    expect(result).toMatchObject({ type: 'tool_result', tool_call_id: call.tool_call_id, status: 'ok' });
    expect(result.content).toBe('- **Aria Pour-Over Kettle** (KC-ARIA): $89, 14 in stock\n- **Aria Kettle, walnut handle** (KC-ARIA-W): $99, out of stock');
    expect(replyText(events)).toContain('**Aria Kettle, walnut handle** (KC-ARIA-W): $99, out of stock');
    expect(events.at(-1)!.event).toBe('end');
  });

  it('looks up an order by its number', async () => {
    const events = await readAllEvents(await postChat(api.url, token, { message: 'Where is my order #KC-20418?' }));
    expect(steps(events).map((step) => [step.type, step.name])).toEqual([
      ['tool_call', 'get_order_status'],
      ['tool_result', 'get_order_status'],
    ]);
    expect(replyText(events)).toMatch(/^Order KC-20418 \(Hand grinder, Paper filters \(100\)\) shipped on 2026-12-01 with DPD\./);
  });

  it('says what the shop answered when the tool fails', async () => {
    const events = await readAllEvents(await postChat(api.url, token, { message: 'Status of order 9999?' }));
    expect(steps(events)[0]).toMatchObject({ arguments: { order_id: '9999' } });
    expect(steps(events)[1]).toMatchObject({ status: 'error' });
    expect(replyText(events)).toMatch(/^I asked the shop, and it said: There is no order 9999/);
  });

  it('answers other messages as before, with no tool', async () => {
    const events = await readAllEvents(await postChat(api.url, token, { message: 'hello' }));
    expect(steps(events)).toEqual([]);
    expect(replyText(events)).toBe(demoReply('hello'));
  });
});
