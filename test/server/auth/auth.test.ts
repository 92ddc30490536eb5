import { generateKeyPairSync } from 'node:crypto';
import { Writable } from 'node:stream';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_JWT_SECRET } from '../../../server/config.js';
import { createLogger, type Logger } from '../../../server/ops/logger.js';
import { postChat, readAllEvents } from '../../support/sse.js';
import { startTestApi, type TestApi } from '../../support/test-api.js';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const rsaPublicPem = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const ecPublicPem = ec.publicKey.export({ type: 'spki', format: 'pem' }).toString();

/** Collects every log line the app writes. */
function captureLogs(): { lines: string[]; logger: Logger } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, logger: createLogger('trace', sink) };
}

/** The HS256 secret of the API under test, beside its public key. */
const SECRET = 'test-secret-7f3a9c1e5b2d8f4a6c0e9b1d3f5a7c9e';

function hs256(claims: object, options: jwt.SignOptions = {}, secret = SECRET): string {
  return jwt.sign(claims, secret, { algorithm: 'HS256', ...options });
}

async function statusWith(api: TestApi, token: string): Promise<Response> {
  return postChat(api.url, token, { message: 'hi' });
}

describe('auth', () => {
  let api: TestApi;
  const logs = captureLogs();

  beforeAll(async () => {
    api = await startTestApi({ JWT_SECRET: SECRET, JWT_PUBLIC_KEY: rsaPublicPem, JWT_ISSUER: 'https://id.example', JWT_AUDIENCE: 'ngx-chat' }, { log: logs.logger });
  });
  afterAll(() => api.close());

  it('logs in the dev user and the token opens a stream', async () => {
    const res = await fetch(`${api.url}/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'test', password: 'test' }),
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ token_type: 'bearer', expires_in: 3600 });
    const events = await readAllEvents(await statusWith(api, body.access_token));
    expect(events.at(-1)?.event).toBe('end');
  });

  it.each([
    [{ username: 'test', password: 'wrong' }],
    [{ username: 'nobody', password: 'test' }],
  ])('answers wrong credentials with the same 401 whichever half is wrong (%#)', async (credentials) => {
    const res = await fetch(`${api.url}/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(credentials) });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { code: 'invalid_credentials', message: 'The username or password is wrong.' } });
  });

  it('answers a malformed login with 400', async () => {
    const res = await fetch(`${api.url}/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"username": 3}' });
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe('invalid_credentials_format');
  });

  it('issues guest tokens only to allow-listed origins, and renews the same guest', async () => {
    const noOrigin = await fetch(`${api.url}/auth/guest`, { method: 'POST' });
    expect(noOrigin.status).toBe(403);
    const refused = await fetch(`${api.url}/auth/guest`, { method: 'POST', headers: { Origin: 'https://evil.example' } });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();

    const res = await fetch(`${api.url}/auth/guest`, { method: 'POST', headers: { Origin: 'http://localhost:5173' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    const { access_token: token } = await res.json();
    const sub = (jwt.decode(token) as jwt.JwtPayload).sub;
    expect(sub).toMatch(/^guest:[0-9a-f-]{36}$/);

    const renewed = await fetch(`${api.url}/auth/guest`, { method: 'POST', headers: { Origin: 'http://localhost:5173', Authorization: `Bearer ${token}` } });
    expect((jwt.decode((await renewed.json()).access_token) as jwt.JwtPayload).sub).toBe(sub);
    const fresh = await fetch(`${api.url}/auth/guest`, { method: 'POST', headers: { Origin: 'http://localhost:5173' } });
    expect((jwt.decode((await fresh.json()).access_token) as jwt.JwtPayload).sub).not.toBe(sub);
  });

  const now = () => Math.floor(Date.now() / 1000);
  const good = { sub: 'alice', iss: 'https://id.example', aud: 'ngx-chat' };
  const defects: [string, () => string][] = [
    ['alg none', () => jwt.sign({ ...good, exp: now() + 60 }, '', { algorithm: 'none' })],
    ['a wrong signature', () => hs256({ ...good, exp: now() + 60 }, {}, 'another-secret-another-secret-another')],
    ['an expired token', () => hs256({ ...good, exp: now() - 10 })],
    ['no exp', () => hs256(good)],
    ['no sub', () => hs256({ iss: good.iss, aud: good.aud, exp: now() + 60 })],
    ['a wrong issuer', () => hs256({ ...good, iss: 'https://other.example', exp: now() + 60 })],
    ['a wrong audience', () => hs256({ ...good, aud: 'someone-else', exp: now() + 60 })],
    ['an HMAC token signed with the public key', () => hs256({ ...good, exp: now() + 60 }, {}, rsaPublicPem)],
    ['an ES256 token when the key is RSA', () => jwt.sign({ ...good, exp: now() + 60 }, ec.privateKey, { algorithm: 'ES256' })],
    ['RS512', () => jwt.sign({ ...good, exp: now() + 60 }, rsa.privateKey, { algorithm: 'RS512' })],
    ['garbage', () => 'not.a.jwt'],
  ];

  it.each(defects)('rejects %s with 401, WWW-Authenticate and a JSON error', async (_name, make) => {
    const res = await statusWith(api, make());
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const { error } = await res.json();
    expect(error.code).toBe('unauthorized');
    // What the API expects is not the caller's to learn.
    expect(error.message).not.toContain('id.example');
    expect(error.message).not.toMatch(/expected/i);
  });

  it.each([
    ['issued more than JWT_MAX_AGE_S ago', () => hs256({ ...good, iat: now() - 2 * 86_400, exp: now() + 60 })],
    ['meant to live longer than JWT_MAX_AGE_S', () => hs256({ ...good, exp: now() + 2 * 86_400 })],
    ['without iat, expiring past JWT_MAX_AGE_S', () => hs256({ ...good, exp: now() + 2 * 86_400 }, { noTimestamp: true })],
  ])('refuses a token %s', async (_name, make) => {
    const res = await statusWith(api, make());
    expect(res.status).toBe(401);
    expect((await res.json()).error.message).toMatch(/JWT_MAX_AGE_S|more than 86400 s ago/);
  });

  it('with only a public key configured, the development secret verifies nothing and no token is issued', async () => {
    const keyOnly = await startTestApi({ JWT_PUBLIC_KEY: rsaPublicPem });
    try {
      const minted = hs256({ sub: 'admin', exp: now() + 60 }, {}, DEV_JWT_SECRET);
      expect((await statusWith(keyOnly, minted)).status).toBe(401);
      const login = await fetch(`${keyOnly.url}/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"username":"test","password":"test"}' });
      expect(login.status).toBe(404);
      expect((await login.json()).error.code).toBe('token_issuing_disabled');
      const rs = jwt.sign({ sub: 'bob', exp: now() + 60 }, rsa.privateKey, { algorithm: 'RS256' });
      expect((await statusWith(keyOnly, rs)).status).toBe(200);
    } finally {
      await keyOnly.close();
    }
  });

  it('rejects a request with no Authorization header, or not a Bearer one', async () => {
    const none = await fetch(`${api.url}/stream/chat`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"message":"hi"}' });
    expect(none.status).toBe(401);
    const basic = await fetch(`${api.url}/stream/chat`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: 'Basic dGVzdDp0ZXN0' }, body: '{"message":"hi"}' });
    expect(basic.status).toBe(401);
  });

  it('accepts RS256 tokens from a site owner\'s backend', async () => {
    const token = jwt.sign({ ...good, exp: now() + 60 }, rsa.privateKey, { algorithm: 'RS256' });
    const events = await readAllEvents(await statusWith(api, token));
    expect(events.at(-1)?.event).toBe('end');
  });

  it('accepts ES256 tokens when the public key is an EC key', async () => {
    const ecApi = await startTestApi({ JWT_PUBLIC_KEY: ecPublicPem });
    try {
      const token = jwt.sign({ sub: 'bob', exp: now() + 60 }, ec.privateKey, { algorithm: 'ES256' });
      expect((await statusWith(ecApi, token)).status).toBe(200);
      const rs = jwt.sign({ sub: 'bob', exp: now() + 60 }, rsa.privateKey, { algorithm: 'RS256' });
      expect((await statusWith(ecApi, rs)).status).toBe(401);
    } finally {
      await ecApi.close();
    }
  });

  it('a cached token still stops working when it expires', async () => {
    const token = hs256({ ...good, exp: now() + 2 });
    expect((await statusWith(api, token)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect((await statusWith(api, token)).status).toBe(401);
  });

  it('never writes a token or a password into the logs', async () => {
    const token = await api.login();
    await readAllEvents(await statusWith(api, token));
    await statusWith(api, `${token}x`);
    const all = logs.lines.join('');
    expect(logs.lines.length).toBeGreaterThan(0);
    expect(all).not.toContain(token.split('.')[2]);
    expect(all).not.toMatch(/password|authorization/i);
    expect(all).toContain('"path":"/stream/chat"');
  });
});
