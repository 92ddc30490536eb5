import jwt from 'jsonwebtoken';
import { afterEach, describe, expect, it } from 'vitest';
import { postChat, readAllEvents, replyText } from '../../support/sse.js';
import { startTestApi, type TestApi } from '../../support/test-api.js';
import { GatedAgent } from '../../support/test-agents.js';
import { openChatSocket } from '../../support/ws-client.js';

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

  it('caps the open streams of all the guests of one address at MAX_CONCURRENT_GUEST_STREAMS_PER_IP, over SSE and WebSocket', async () => {
    const agent = new GatedAgent();
    api = await startTestApi({ MAX_CONCURRENT_GUEST_STREAMS_PER_IP: '2', MAX_CONCURRENT_STREAMS_PER_USER: '5', TRUST_PROXY: 'loopback' }, { agent });
    const client = { 'X-Forwarded-For': '203.0.113.7' };
    const [first, second, third] = [await api.guest(client), await api.guest(client), await api.guest(client)];
    const held = { message: 'hold on', metadata: { hold: true } };
    const overSse = await postChat(api.url, first, held);
    expect(overSse.status).toBe(200);
    const overWs = await openChatSocket(api.url, second);
    overWs.send({ type: 'chat', ...held });
    expect(await overWs.next()).toMatchObject({ event: 'start' });

    const refused = await postChat(api.url, third, { message: 'one more' });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect((await refused.json()) as unknown).toMatchObject({ error: { code: 'too_many_streams', message: expect.stringMatching(/^Guests at your address/) } });
    const refusedWs = await openChatSocket(api.url, third);
    refusedWs.send({ type: 'chat', message: 'one more' });
    expect(await refusedWs.next()).toMatchObject({ type: 'error', status: 429, error: { code: 'too_many_streams' } });

    // Another address's guests, and a signed-in user behind the same address, are not counted with them.
    const elsewhere = await api.guest({ 'X-Forwarded-For': '198.51.100.4' });
    expect(replyText(await readAllEvents(await postChat(api.url, elsewhere, { message: 'elsewhere' })))).toBe('elsewhere');
    const user = await api.login();
    expect(replyText(await readAllEvents(await postChat(api.url, user, { message: 'signed in' }, { 'X-Forwarded-For': '203.0.113.7' })))).toBe('signed in');

    agent.release();
    expect((await readAllEvents(overSse)).at(-1)?.event).toBe('end');
    expect((await overWs.events()).at(-1)).toMatchObject({ event: 'end' });
    expect(replyText(await readAllEvents(await postChat(api.url, third, { message: 'room now' })))).toBe('room now');
    overWs.close();
    refusedWs.close();
  });
});
