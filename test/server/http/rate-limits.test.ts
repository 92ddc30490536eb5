import { describe, expect, it } from 'vitest';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { HttpError } from '../../../server/http/errors.js';
import { RateLimit, redisCounters } from '../../../server/http/rate-limits.js';
import { createRedisClient } from '../../../server/stores/redis/redis-client.js';

async function refusal(counts: RateLimit, key: string): Promise<HttpError> {
  const refused = await counts.hit(key).catch((err: unknown) => err);
  expect(refused).toBeInstanceOf(HttpError);
  return refused as HttpError;
}

describe('RateLimit', () => {
  it('lets `limit` hits a minute through per key, then answers 429 with Retry-After', async () => {
    const counts = new RateLimit({ limit: 2, prefix: 'rl:test', what: 'messages' });
    await counts.hit('user:a');
    await counts.hit('user:a');
    await counts.hit('user:b');
    const refused = await refusal(counts, 'user:a');
    expect(refused.status).toBe(429);
    expect(refused.code).toBe('rate_limited');
    expect(Number(refused.headers['Retry-After'])).toBeGreaterThanOrEqual(1);
    expect(refused.message).toMatch(/^Too many messages; retry in \d+ s\.$/);
  });

  it('counts on in this process while Redis cannot be reached', async () => {
    // Nothing listens on port 1: every Redis command fails.
    const client = createRedisClient({ url: 'redis://127.0.0.1:1' });
    try {
      const counts = new RateLimit({ limit: 2, prefix: 'rl:test', what: 'login attempts', counters: redisCounters(client) });
      await counts.hit('ip:a');
      await counts.hit('ip:a');
      expect((await refusal(counts, 'ip:a')).status).toBe(429);
    } finally {
      client.disconnect();
    }
  });

  it('lets hits through, and says so, when its counters fail outright', async () => {
    const failing = { consume: () => Promise.reject(new Error('counters down')) } as unknown as RateLimiterAbstract;
    const warnings: string[] = [];
    const log = { warn: (_fields: unknown, message: string) => warnings.push(message) } as unknown as ConstructorParameters<typeof RateLimit>[0]['log'];
    const counts = new RateLimit({ limit: 1, prefix: 'rl:test', what: 'messages', counters: () => failing, log });
    await counts.hit('user:a');
    await counts.hit('user:a');
    expect(warnings).toEqual(['rate-limit counters failed; request let through', 'rate-limit counters failed; request let through']);
  });
});
