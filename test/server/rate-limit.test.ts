import { MemoryStore, type Store } from 'express-rate-limit';
import { describe, expect, it } from 'vitest';
import { HttpError } from '../../server/errors.js';
import { RateLimit } from '../../server/rate-limits.js';

describe('RateLimit', () => {
  it('lets `limit` hits a minute through per key, then answers 429 with Retry-After', async () => {
    const counts = new RateLimit({ limit: 2, store: new MemoryStore(), what: 'messages' });
    await counts.hit('user:a');
    await counts.hit('user:a');
    await counts.hit('user:b');
    const refused = await counts.hit('user:a').catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(HttpError);
    expect((refused as HttpError).status).toBe(429);
    expect((refused as HttpError).code).toBe('rate_limited');
    expect(Number((refused as HttpError).headers['Retry-After'])).toBeGreaterThanOrEqual(1);
    expect((refused as HttpError).message).toMatch(/^Too many messages; retry in \d+ s\.$/);
    counts.close();
  });

  it('lets hits through, and says so, when its store fails', async () => {
    const failing: Store = {
      increment: () => Promise.reject(new Error('store down')),
      decrement: () => undefined,
      resetKey: () => undefined,
    };
    const warnings: string[] = [];
    const log = { warn: (_fields: unknown, message: string) => warnings.push(message) } as unknown as ConstructorParameters<typeof RateLimit>[0]['log'];
    const counts = new RateLimit({ limit: 1, store: failing, what: 'messages', log });
    await counts.hit('user:a');
    await counts.hit('user:a');
    expect(warnings).toEqual(['rate-limit store failed; request let through', 'rate-limit store failed; request let through']);
  });
});
