import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChatApi, type ChatApi } from '../../server/chat-api.js';
import { postChat, readAllEvents } from '../support/sse.js';

describe('createChatApi: the API mounted in a host app', () => {
  let chat: ChatApi;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    chat = await createChatApi({
      conversationStore: 'memory',
      demoTokenDelayMs: 0,
      logLevel: 'silent',
      allowedOrigins: ['https://app.example'],
      authenticate: (req) => {
        const session = req.headers['x-test-session'];
        if (session === 'broken') return { sub: '' };
        return typeof session === 'string' ? { sub: `host:${session}` } : undefined;
      },
    });
    const app = express();
    app.get('/', (_req, res) => {
      res.send('the host app');
    });
    app.use('/chat', chat.router);
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server?.close();
    await chat?.close();
  });

  it('reads its settings like the environment variables they mirror', () => {
    expect(chat.config.allowedOrigins).toEqual(['https://app.example']);
    expect(chat.config.conversationStore).toBe('memory');
  });

  it('refuses an unknown setting and a bad value, naming them', async () => {
    await expect(createChatApi({ nope: 1 } as never)).rejects.toThrow(/no setting "nope"/);
    await expect(createChatApi({ streamTimeoutMs: 'soon' })).rejects.toThrow(/STREAM_TIMEOUT_MS must be/);
  });

  it('streams for the user of the host session, and leaves the host app’s own routes alone', async () => {
    const events = await readAllEvents(await postChat(`${base}/chat`, '', { message: 'hello' }, { Authorization: '', 'X-Test-Session': 'ada' }));
    expect(events.map((event) => event.event).at(-1)).toBe('end');
    const conversation = JSON.parse(events[0].data).conversation_id;
    const mine = await fetch(`${base}/chat/conversations/${conversation}`, { headers: { 'X-Test-Session': 'ada' } });
    expect(mine.status).toBe(200);
    const theirs = await fetch(`${base}/chat/conversations/${conversation}`, { headers: { 'X-Test-Session': 'bob' } });
    expect(theirs.status).toBe(404);
    expect(await (await fetch(`${base}/`)).text()).toBe('the host app');
  });

  it('without a session, asks for a token, and still takes one of ours', async () => {
    const none = await postChat(`${base}/chat`, '', { message: 'hello' }, { Authorization: '' });
    expect(none.status).toBe(401);
    const login = await fetch(`${base}/chat/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'test', password: 'test' }) });
    const { access_token: token } = await login.json();
    expect((await readAllEvents(await postChat(`${base}/chat`, token, { message: 'hello' }))).at(-1)!.event).toBe('end');
  });

  it('turns a session into a token for the widget at POST /auth/session, and refuses without one', async () => {
    const issued = await fetch(`${base}/chat/auth/session`, { method: 'POST', headers: { 'X-Test-Session': 'ada' } });
    expect(issued.status).toBe(200);
    expect(issued.headers.get('cache-control')).toBe('no-store');
    const { access_token: token } = await issued.json();
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
    expect(claims.sub).toBe('host:ada');
    const refused = await fetch(`${base}/chat/auth/session`, { method: 'POST' });
    expect(refused.status).toBe(401);
    expect((await refused.json()).error.code).toBe('no_session');
  });

  it('answers 500 with a JSON error when authenticate returns no usable sub', async () => {
    const res = await fetch(`${base}/chat/conversations`, { headers: { 'X-Test-Session': 'broken' } });
    expect(res.status).toBe(500);
    expect((await res.json()).error.code).toBeDefined();
  });
});

describe('the standalone API', () => {
  it('has no POST /auth/session without a host app', async () => {
    const chat = await createChatApi({ conversationStore: 'memory', logLevel: 'silent' });
    const app = express().use(chat.router);
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/auth/session`, { method: 'POST' });
      expect(res.status).toBe(404);
      expect((await res.json()).error.code).toBe('no_host_sessions');
    } finally {
      server.close();
      await chat.close();
    }
  });
});
