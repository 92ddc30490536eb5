import jwt from 'jsonwebtoken';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/test-api.js';

const ORIGIN = 'http://localhost:5173';

/** `POST /auth/guest` as the page of a client at `ip` (through a proxy the API trusts). */
function requestGuest(api: TestApi, ip: string, previousToken?: string): Promise<Response> {
  const headers: Record<string, string> = { Origin: ORIGIN, 'X-Forwarded-For': ip };
  if (previousToken) headers.Authorization = `Bearer ${previousToken}`;
  return fetch(`${api.url}/auth/guest`, { method: 'POST', headers });
}

async function tokenOf(res: Response): Promise<string> {
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

const subOf = (token: string) => (jwt.decode(token) as jwt.JwtPayload).sub;

describe('guest caps per client address', () => {
  let api: TestApi | undefined;
  afterEach(async () => {
    await api?.close();
    api = undefined;
  });

  it('issues GUEST_IDENTITIES_PER_IP_PER_HOUR new guests per address, then 429, while renewals keep working', async () => {
    api = await startTestApi({ GUEST_IDENTITIES_PER_IP_PER_HOUR: '2', TRUST_PROXY: 'loopback' });
    const first = await tokenOf(await requestGuest(api, '203.0.113.7'));
    await tokenOf(await requestGuest(api, '203.0.113.7'));
    const refused = await requestGuest(api, '203.0.113.7');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(60);
    const { error } = (await refused.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('rate_limited');
    expect(error.message).toMatch(/new guest identities/);

    const renewed = await tokenOf(await requestGuest(api, '203.0.113.7', first));
    expect(subOf(renewed)).toBe(subOf(first));
    await tokenOf(await requestGuest(api, '198.51.100.4'));
  });
});
