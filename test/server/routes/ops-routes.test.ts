import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metric } from '../../support/prometheus-text.js';
import { postChat, readAllEvents, sseEvents } from '../../support/sse.js';
import { startTestApi, type TestApi } from '../../support/test-api.js';
import { ScriptedAgent } from '../../support/test-agents.js';

async function scrape(api: TestApi, headers: Record<string, string> = {}): Promise<string> {
  const res = await fetch(`${api.url}/metrics`, { headers });
  expect(res.status).toBe(200);
  return res.text();
}

describe('metrics', () => {
  let api: TestApi;
  let token: string;

  beforeAll(async () => {
    api = await startTestApi({ STREAM_TIMEOUT_MS: '300' }, { agent: new ScriptedAgent() });
    token = await api.login();
  });
  afterAll(() => api.close());

  it('moves the seed\'s five metrics and the rest as real streams run', async () => {
    const before = await scrape(api);
    await readAllEvents(await postChat(api.url, token, { message: 'ok', metadata: { pieces: ['a', 'b'] } }, { 'Accept-Encoding': 'identity' }));
    const failed = await readAllEvents(await postChat(api.url, token, { message: 'slow', metadata: { pieces: Array(50).fill('x'), delay_ms: 20 } }));
    await readAllEvents(await postChat(api.url, token, { message: 'x', metadata: { fail: 'boom', pieces: ['y'] } }));
    const resumed = await readAllEvents(await postChat(api.url, token, {}, { 'Last-Event-ID': failed[0].id! }));
    expect(resumed.length).toBe(failed.length - 1);
    const gzip = await postChat(api.url, token, { message: 'zip', metadata: { pieces: ['a'] } }, { 'Accept-Encoding': 'gzip' });
    await gzip.text();
    const after = await scrape(api);

    const delta = (name: string, labels = '') => metric(after, name, labels) - metric(before, name, labels);
    expect(delta('stream_chat_started_total')).toBe(4);
    expect(delta('stream_chat_completed_total')).toBe(2);
    expect(delta('stream_chat_error_total', 'reason="timeout"')).toBe(1);
    expect(delta('stream_chat_error_total', 'reason="agent"')).toBe(1);
    expect(delta('stream_chat_duration_seconds_count')).toBe(4);
    expect(delta('stream_chat_ttfb_seconds_count')).toBe(4);
    expect(delta('stream_chat_resumes_total')).toBe(1);
    expect(delta('stream_chat_events_sent_total', 'event="start"')).toBe(4);
    expect(delta('stream_chat_events_sent_total', 'event="end"')).toBe(2);
    expect(delta('stream_chat_events_sent_total', 'event="error"')).toBe(3);
    expect(delta('stream_chat_wire_bytes_total', 'encoding="gzip"')).toBeGreaterThan(50);
    expect(delta('stream_chat_wire_bytes_total', 'encoding="identity"')).toBeGreaterThan(500);
    expect(metric(after, 'stream_chat_open_streams')).toBe(0);
    expect(after).toContain('process_cpu_user_seconds_total');
  });

  it('counts a stop as a cancel', async () => {
    const before = await scrape(api);
    const res = await postChat(api.url, token, { message: 'stop', metadata: { pieces: Array(100).fill('x'), delay_ms: 20 } });
    const events = sseEvents(res.body!)[Symbol.asyncIterator]();
    const start = JSON.parse((await events.next()).value.data);
    await fetch(`${api.url}/stream/chat/${start.stream_id}`, { method: 'DELETE', headers: { Authorization: `Bearer ${token}` } });
    while (!(await events.next()).done);
    const after = await scrape(api);
    expect(metric(after, 'stream_chat_cancelled_total') - metric(before, 'stream_chat_cancelled_total')).toBe(1);
  });

  it('protects /metrics with METRICS_TOKEN when set', async () => {
    const locked = await startTestApi({ METRICS_TOKEN: 'scrape-secret' });
    try {
      expect((await fetch(`${locked.url}/metrics`)).status).toBe(401);
      expect((await fetch(`${locked.url}/metrics`, { headers: { Authorization: 'Bearer wrong' } })).status).toBe(401);
      expect(await scrape(locked, { Authorization: 'Bearer scrape-secret' })).toContain('stream_chat_started_total');
    } finally {
      await locked.close();
    }
  });
});

describe('limits', () => {
  let api: TestApi;
  let token: string;

  beforeAll(async () => {
    api = await startTestApi(
      { RATE_LIMIT_PER_MINUTE: '3', LOGIN_RATE_LIMIT_PER_MINUTE: '4', GUEST_RATE_LIMIT_PER_MINUTE: '2', MAX_CONCURRENT_STREAMS_PER_USER: '2' },
      { agent: new ScriptedAgent() },
    );
    token = await api.login();
  });
  afterAll(() => api.close());

  it('limits new messages per user with 429, Retry-After and a JSON error, and not resumes', async () => {
    const first = await readAllEvents(await postChat(api.url, token, { message: 'one', metadata: { pieces: ['a'] } }));
    await readAllEvents(await postChat(api.url, token, { message: 'two', metadata: { pieces: ['a'] } }));
    await readAllEvents(await postChat(api.url, token, { message: 'three', metadata: { pieces: ['a'] } }));
    const limited = await postChat(api.url, token, { message: 'four' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = await limited.json();
    expect(body.error.code).toBe('rate_limited');
    expect(body.error.message).toMatch(/retry in \d+ s/);
    // Resumes are not new messages.
    for (let i = 0; i < 5; i += 1) expect((await postChat(api.url, token, {}, { 'Last-Event-ID': first[1].id! })).status).toBe(200);
    // Another user has a limit of their own.
    const guest = await fetch(`${api.url}/auth/guest`, { method: 'POST', headers: { Origin: 'http://localhost:1' } });
    const other = (await guest.json()).access_token;
    const theirs = await postChat(api.url, other, { message: 'mine', metadata: { pieces: ['a'] } });
    expect(theirs.status).toBe(200);
    await theirs.text();
  });

  it('limits password guessing per IP', async () => {
    const attempt = () => fetch(`${api.url}/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'test', password: 'guess' }) });
    const statuses = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await attempt()).status);
    // beforeAll's login took one of the four.
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });

  it('limits guest tokens per IP', async () => {
    const guest = () => fetch(`${api.url}/auth/guest`, { method: 'POST', headers: { Origin: 'http://localhost:2' } });
    // The first test took one.
    expect((await guest()).status).toBe(200);
    const limited = await guest();
    expect(limited.status).toBe(429);
    expect((await limited.json()).error.code).toBe('rate_limited');
  });

  it('caps concurrent streams per user with 429', async () => {
    const fresh = await startTestApi({ MAX_CONCURRENT_STREAMS_PER_USER: '2' }, { agent: new ScriptedAgent() });
    try {
      const freshToken = await fresh.login();
      const slow = { message: 'slow', metadata: { pieces: Array(20).fill('x'), delay_ms: 20 } };
      const open = [await postChat(fresh.url, freshToken, slow), await postChat(fresh.url, freshToken, slow)];
      const third = await postChat(fresh.url, freshToken, slow);
      expect(third.status).toBe(429);
      expect((await third.json()).error.code).toBe('too_many_streams');
      await Promise.all(open.map((res) => res.text()));
      const later = await postChat(fresh.url, freshToken, { message: 'now', metadata: { pieces: ['a'] } });
      expect(later.status).toBe(200);
      await later.text();
    } finally {
      await fresh.close();
    }
  });
});

describe('health', () => {
  it('reports alive and ready, and not ready while draining', async () => {
    const api = await startTestApi();
    try {
      expect(await (await fetch(`${api.url}/healthz`)).json()).toEqual({ status: 'ok' });
      expect((await fetch(`${api.url}/readyz`)).status).toBe(200);
      api.services.drain();
      const draining = await fetch(`${api.url}/readyz`);
      expect(draining.status).toBe(503);
      expect(await draining.json()).toEqual({ status: 'draining' });
      const refused = await postChat(api.url, await api.login(), { message: 'late' });
      expect(refused.status).toBe(503);
      expect((await refused.json()).error.code).toBe('draining');
    } finally {
      await api.close();
    }
  });
});
