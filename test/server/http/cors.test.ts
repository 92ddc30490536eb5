import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../support/test-api.js';

describe('CORS allow-list', () => {
  let api: TestApi;
  let token: string;
  const allowed = 'https://shop.example.com';

  beforeAll(async () => {
    api = await startTestApi({ ALLOWED_ORIGINS: `${allowed},http://localhost:*` });
    token = await api.login();
  });
  afterAll(() => api.close());

  const chat = (headers: Record<string, string>) =>
    fetch(`${api.url}/stream/chat`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}`, ...headers },
      body: JSON.stringify({ message: 'hi' }),
    });

  it('serves requests without Origin (servers, curl) with no CORS headers', async () => {
    const res = await chat({});
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    await res.body?.cancel();
  });

  it('gives an allowed origin exactly its own origin back, with Vary: Origin', async () => {
    const res = await chat({ Origin: allowed });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(allowed);
    expect(res.headers.get('vary')).toMatch(/Origin/);
    await res.body?.cancel();
  });

  it('matches a port wildcard entry for any port of that host only', async () => {
    const res = await chat({ Origin: 'http://localhost:5173' });
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    await res.body?.cancel();
    expect((await chat({ Origin: 'http://localhost.evil.example:80' })).status).toBe(403);
  });

  it('answers a preflight from an allowed origin with the headers the widget needs', async () => {
    const res = await fetch(`${api.url}/stream/chat`, {
      method: 'OPTIONS',
      headers: { Origin: allowed, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type,last-event-id' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(allowed);
    const allowHeaders = res.headers.get('access-control-allow-headers')!.toLowerCase();
    for (const header of ['authorization', 'content-type', 'last-event-id', 'accept']) expect(allowHeaders).toContain(header);
    expect(res.headers.get('access-control-allow-methods')).toMatch(/POST/);
    expect(res.headers.get('access-control-allow-methods')).toMatch(/DELETE/);
  });

  it.each(['https://evil.example', 'https://shop.example.com.evil.example', 'http://shop.example.com', 'null'])(
    'refuses %s with 403 and a JSON error, request and preflight alike',
    async (origin) => {
      const res = await chat({ Origin: origin });
      expect(res.status).toBe(403);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      const body = await res.json();
      expect(body.error.code).toBe('origin_not_allowed');
      expect(body.error.message).toContain(origin);
      const preflight = await fetch(`${api.url}/stream/chat`, { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'POST' } });
      expect(preflight.status).toBe(403);
      expect((await preflight.json()).error.code).toBe('origin_not_allowed');
    },
  );
});
