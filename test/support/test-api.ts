import type { Server } from 'node:http';
import { loadConfig } from '../../server/config.js';
import type { ServiceOverrides, Services } from '../../server/services.js';
import { startApi } from '../../server/start-api.js';

/**
 * What tests run with unless they say otherwise: quiet, no pacing, the chunk buffer off (most
 * tests check one event per agent piece), and limits high enough for a test's bursts of requests
 * from one user (the limit tests set their own).
 */
export const TEST_DEFAULTS: Record<string, string> = {
  LOG_LEVEL: 'silent',
  DEMO_TOKEN_DELAY_MS: '0',
  CHUNK_FLUSH_MS: '0',
  RATE_LIMIT_PER_MINUTE: '100000',
  LOGIN_RATE_LIMIT_PER_MINUTE: '100000',
  GUEST_RATE_LIMIT_PER_MINUTE: '100000',
  MAX_CONCURRENT_STREAMS_PER_USER: '1000',
  GUEST_IDENTITIES_PER_IP_PER_HOUR: '100000',
  MAX_CONCURRENT_GUEST_STREAMS_PER_IP: '1000',
};

/**
 * Conversations in memory (fast, nothing on disk) unless the test names a store or gives
 * `REDIS_URL` or `DATABASE_URL`, whose conversations it means to test.
 */
export function conversationsFor(env: Record<string, string | undefined>): Record<string, string> {
  return env.CONVERSATION_STORE || env.REDIS_URL || env.DATABASE_URL ? {} : { CONVERSATION_STORE: 'memory' };
}

/** A real API listening on a free loopback port, with the WebSocket transport at `/ws/chat`. */
export interface TestApi {
  url: string;
  server: Server;
  services: Services;
  /** Logs in as the dev user and returns the bearer token. */
  login(username?: string, password?: string): Promise<string>;
  /** A new guest's token, asked for as a page on an allowed origin (plus `headers`, such as `X-Forwarded-For`). */
  guest(headers?: Record<string, string>): Promise<string>;
  close(): Promise<void>;
}

/** Signs in with a demo account at the API at `url` (one the test started, in-process or not); its access token. */
export async function loginAt(url: string, username = 'test', password = 'test'): Promise<string> {
  const res = await fetch(`${url}/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/**
 * Starts the real app on port 0 with `env` as its environment (plus quiet logging), the way
 * `server/main.ts` does, so tests speak real HTTP to it.
 */
export async function startTestApi(env: Record<string, string> = {}, overrides: ServiceOverrides = {}): Promise<TestApi> {
  const api = await startApi(loadConfig({ ...TEST_DEFAULTS, ...conversationsFor(env), PORT: '0', HOST: '127.0.0.1', ...env }), { overrides });
  const { url, server, services } = api;
  return {
    url,
    server,
    services,
    login: (username, password) => loginAt(url, username, password),
    async guest(headers = {}) {
      const res = await fetch(`${url}/auth/guest`, { method: 'POST', headers: { Origin: 'http://localhost:5173', ...headers } });
      if (res.status !== 200) throw new Error(`no guest token: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { access_token: string }).access_token;
    },
    close: () => api.close(),
  };
}
