import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoReply } from '../../../server/agents/demo-agent.js';
import { parseEventId } from '../../../protocol/index.js';
import { postChat, readAllEvents, replyText } from '../../support/sse.js';
import { startTestApi, type TestApi } from '../../support/test-api.js';

describe('POST /stream/chat', () => {
  let api: TestApi;
  let token: string;

  beforeAll(async () => {
    api = await startTestApi();
    token = await api.login();
  });
  afterAll(() => api.close());

  it('answers the same through the router as on its fast path (a URL with a query string)', async () => {
    const request = (url: string, auth: string) =>
      fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: auth }, body: JSON.stringify({ message: 'hello there' }) });
    const [fast, routed] = await Promise.all([request(`${api.url}/stream/chat`, `Bearer ${token}`), request(`${api.url}/stream/chat?via=router`, `Bearer ${token}`)]);
    const replies = await Promise.all([readAllEvents(fast), readAllEvents(routed)]);
    expect(replyText(replies[1])).toBe(replyText(replies[0]));
    expect(replies[1].map((event) => event.event)).toEqual(replies[0].map((event) => event.event));
    const refusals = await Promise.all([request(`${api.url}/stream/chat`, 'Bearer x.y.z'), request(`${api.url}/stream/chat?via=router`, 'Bearer x.y.z')]);
    expect(refusals.map((res) => res.status)).toEqual([401, 401]);
    expect(await refusals[1].json()).toEqual(await refusals[0].json());
  });

  it('streams start, consecutive chunks ending in a final one, then end', async () => {
    const res = await postChat(api.url, token, { message: 'hello there' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('x-accel-buffering')).toBe('no');
    const events = await readAllEvents(res);

    expect(events[0].event).toBe('start');
    const start = JSON.parse(events[0].data);
    expect(start).toMatchObject({ status: 'processing' });
    expect(start.conversation_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(start.stream_id).toMatch(/^[0-9a-f-]{36}$/);

    const chunks = events.slice(1, -1).map((event) => {
      expect(event.event).toBe('chunk');
      return JSON.parse(event.data);
    });
    expect(chunks.length).toBeGreaterThan(10);
    chunks.forEach((chunk, index) => {
      expect(chunk).toMatchObject({ type: 'content', chunk_index: index, is_final: index === chunks.length - 1 });
    });

    const end = events.at(-1)!;
    expect(end.event).toBe('end');
    expect(JSON.parse(end.data)).toEqual({ conversation_id: start.conversation_id, status: 'completed', message_count: 1 });
    expect(replyText(events)).toBe(demoReply('hello there'));

    const ids = events.map((event) => event.id);
    expect(new Set(ids).size).toBe(ids.length);
    ids.forEach((id, index) => {
      expect(id!.length).toBeLessThanOrEqual(128);
      expect(parseEventId(id!)).toEqual({ streamId: start.stream_id, seq: index + 1 });
    });
  });

  it('opens with a retry field and writes the id as the last field of each event', async () => {
    const res = await postChat(api.url, token, { message: 'raw' });
    const raw = await res.text();
    expect(raw.startsWith('retry: ')).toBe(true);
    for (const block of raw.trim().split('\n\n').slice(1)) {
      const lines = block.split('\n');
      expect(lines[0]).toMatch(/^event: (start|chunk|end)$/);
      expect(lines.at(-1)).toMatch(/^id: /);
    }
  });

  it('counts assistant messages across a conversation', async () => {
    const first = await readAllEvents(await postChat(api.url, token, { message: 'one' }));
    const conversationId = JSON.parse(first[0].data).conversation_id;
    const second = await readAllEvents(await postChat(api.url, token, { message: 'two', conversation_id: conversationId }));
    expect(JSON.parse(second[0].data).conversation_id).toBe(conversationId);
    expect(JSON.parse(second.at(-1)!.data)).toMatchObject({ status: 'completed', message_count: 2 });
  });
});
