import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { behave } from '../../support/fake-openai.js';
import { useFakeModelApi } from '../../support/fake-model-api.js';
import { scrapeMetric } from '../../support/metrics.js';
import { canStartRedisServer, startTestRedis, type TestRedis } from '../../support/redis-server.js';
import { postChat, readAllEvents } from '../../support/sse.js';
import { startTestApi, type TestApi } from '../../support/test-api.js';

/** Sends one message and reads the reply to its end; returns the last event's name. */
async function chat(api: TestApi, token: string, message = 'hello'): Promise<string> {
  const res = await postChat(api.url, token, { message });
  expect(res.status).toBe(200);
  return (await readAllEvents(res)).at(-1)!.event!;
}

/** The refusal of a message past a limit: status, body, and the wait it asks for, in seconds. */
async function refusal(api: TestApi, token: string): Promise<{ status: number; code: string; message: string; retryAfter: number }> {
  const res = await postChat(api.url, token, { message: 'one more' });
  const body = await res.json();
  return { status: res.status, code: body.error.code, message: body.error.message, retryAfter: Number(res.headers.get('retry-after')) };
}

/** Seconds from now until the next midnight UTC. */
function untilMidnightUtc(): number {
  const now = new Date();
  return (Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1) - now.getTime()) / 1000;
}

describe('token quotas with the demo agent (usage estimated from characters)', () => {
  let api: TestApi;

  beforeAll(async () => {
    // The demo agent's reply is a few hundred characters: one reply passes 50 estimated tokens.
    api = await startTestApi({ QUOTA_TOKENS_PER_GUEST_DAY: '50' });
  });
  afterAll(() => api.close());

  it('lets a guest finish the reply that crosses the quota, then answers 429 quota_exceeded until midnight UTC', async () => {
    const guest = await api.guest();
    expect(await chat(api, guest)).toBe('end');
    const refused = await refusal(api, guest);
    expect(refused).toMatchObject({ status: 429, code: 'quota_exceeded' });
    expect(refused.message).toMatch(/^You have used today's 50 tokens; it resets at 00:00 UTC, in (\d+ h )?\d+ min\.$/);
    expect(refused.retryAfter).toBeGreaterThan(0);
    expect(Math.abs(refused.retryAfter - untilMidnightUtc())).toBeLessThan(60);
  });

  it('attaches a retry of the request that spent the quota to its reply, and refuses new messages', async () => {
    const guest = await api.guest();
    const body = { message: 'hello', request_id: 'spends-the-quota' };
    const first = await readAllEvents(await postChat(api.url, guest, body));
    expect(first.at(-1)!.event).toBe('end');
    // The client never saw that reply (its connection dropped) and sends the same request again.
    const retried = await postChat(api.url, guest, body);
    expect(retried.status).toBe(200);
    expect(await readAllEvents(retried)).toEqual(first);
    expect(await refusal(api, guest)).toMatchObject({ status: 429, code: 'quota_exceeded' });
  });

  it('counts each guest apart, and leaves signed-in users to their own quota (off here)', async () => {
    expect(await chat(api, await api.guest())).toBe('end');
    const user = await api.login();
    expect(await chat(api, user)).toBe('end');
    expect(await chat(api, user)).toBe('end');
  });
});

describe('token quotas from the model’s reported usage', () => {
  const setup = useFakeModelApi((fake) => fake.env({ QUOTA_TOKENS_PER_USER_DAY: '42' }));

  it('counts input and output tokens as the provider reports them: 30 + 12 reaches 42', async () => {
    const { fake, api, token } = setup;
    fake.use(behave.reply(['Fine.'], { usage: { input: 30, output: 12 } }));
    const events = await readAllEvents(await postChat(api.url, token, { message: 'hi' }));
    expect(JSON.parse(events.at(-1)!.data).usage).toEqual({ input_tokens: 30, output_tokens: 12 });
    const tokens = await scrapeMetric(api.url, 'model_tokens_total');
    expect(tokens.get('agent=openai,direction=input')).toBe(30);
    expect(tokens.get('agent=openai,direction=output')).toBe(12);
    expect(await refusal(api, token)).toMatchObject({ status: 429, code: 'quota_exceeded' });
  });
});

describe('the daily token budget', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi({ DAILY_TOKEN_BUDGET: '10' });
  });
  afterAll(() => api.close());

  it('answers 503 budget_exhausted to everyone once all users together spent it', async () => {
    expect(await chat(api, await api.login())).toBe('end');
    const refused = await refusal(api, await api.guest());
    expect(refused).toMatchObject({ status: 503, code: 'budget_exhausted' });
    expect(refused.message).toMatch(/^This chat has used its daily token budget; it resets at 00:00 UTC/);
    expect(refused.retryAfter).toBeGreaterThan(0);
  });
});

describe.runIf(canStartRedisServer())('token quotas across instances sharing Redis', () => {
  let redis: TestRedis;
  let a: TestApi;
  let b: TestApi;

  beforeAll(async () => {
    redis = await startTestRedis();
    a = await startTestApi({ REDIS_URL: redis.url, QUOTA_TOKENS_PER_USER_DAY: '50' });
    b = await startTestApi({ REDIS_URL: redis.url, QUOTA_TOKENS_PER_USER_DAY: '50' });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await redis?.close();
  });

  it('refuses on B the user who spent the quota on A', async () => {
    const token = await a.login();
    expect(await chat(a, token)).toBe('end');
    expect(await refusal(b, token)).toMatchObject({ status: 429, code: 'quota_exceeded' });
  });
});
