import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startApiProcess, type ApiProcess } from '../../../support/api-process.js';
import { postChat, readAllEvents } from '../../../support/sse.js';
import { waitFor } from '../../../support/wait-for.js';
import { connectWs, openChatSocket, type WsTestClient } from '../../../support/ws-client.js';

const MiB = 1024 * 1024;
const ORIGIN = 'http://localhost:5173';

/** The server's resident memory, from the kernel's view of its process. */
function rssOf(api: ApiProcess): number {
  const status = readFileSync(`/proc/${api.child.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]) * 1024;
}

async function guestToken(api: ApiProcess): Promise<string> {
  const res = await fetch(`${api.url}/auth/guest`, { method: 'POST', headers: { Origin: ORIGIN } });
  return ((await res.json()) as { access_token: string }).access_token;
}

/** True once `ws` has closed; a paused socket learns of the server's close only when it reads. */
function closedSoon(ws: WebSocket): Promise<void> {
  (ws as unknown as { _socket: { resume(): void } })._socket.resume();
  return new Promise((resolve) => (ws.readyState === WebSocket.CLOSED ? resolve() : ws.once('close', () => resolve())));
}

/**
 * The attack of issue 16: authenticate, stop reading, and send messages whose answers are errors
 * (`{"type": <typeLength × x>}`), with an unsolicited pong every 300 ms. Sends up to `totalBytes`
 * at the pace the server reads; resolves with the bytes sent once the server has cut the socket,
 * everything was sent, or `giveUp` says the server is already lost.
 */
async function flood(ws: WebSocket, typeLength: number, totalBytes: number, giveUp: () => boolean): Promise<number> {
  const message = JSON.stringify({ type: 'x'.repeat(typeLength) });
  const pongs = setInterval(() => ws.readyState === WebSocket.OPEN && ws.pong(), 300);
  let sent = 0;
  try {
    for (let i = 1; sent < totalBytes && ws.readyState === WebSocket.OPEN && !giveUp(); i += 1) {
      sent += message.length;
      // Wait for the kernel now and then, so the client's own buffer stays small.
      if (ws.bufferedAmount > MiB || i % 256 === 0) await new Promise<void>((resolve) => ws.send(message, () => resolve()));
      else ws.send(message);
    }
  } finally {
    clearInterval(pongs);
  }
  return sent;
}

/** Replies that another user gets from start to end while `during` runs. */
async function servedThroughout(api: ApiProcess, during: Promise<unknown>): Promise<number> {
  const token = await guestToken(api);
  let replies = 0;
  let done = false;
  void during.finally(() => (done = true));
  do {
    const events = await readAllEvents(await postChat(api.url, token, { message: 'hello' }));
    expect(events.at(-1)?.event).toBe('end');
    replies += 1;
  } while (!done);
  return replies;
}

describe('a WebSocket client that floods and stops reading', () => {
  let api: ApiProcess | undefined;
  afterEach(() => {
    api?.child.kill('SIGKILL');
    api = undefined;
  });

  it.each([
    // The attack as found: 32 KiB types, each once echoed whole into an error.
    ['the message rate limit', 32 * 1024, 256 * MiB, {}],
    // Tiny messages, each answered with a larger error: what the socket leaves unread grows.
    ['the unread-bytes bound, with the rate limit out of reach', 1, 4 * MiB, { WS_MESSAGES_PER_MINUTE: '100000000', WS_MAX_BUFFERED_BYTES: '65536' }],
  ])('is cut off by %s: the server stays small and serves everyone else', async (_name, typeLength, totalBytes, env) => {
    // The other user's replies are limited by nothing but the attack.
    api = await startApiProcess({ RATE_LIMIT_PER_MINUTE: '100000', ...env });
    const attacker = await openChatSocket(api.url, await guestToken(api), { origin: ORIGIN });
    (attacker.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const rssBefore = rssOf(api);
    let rssPeak = rssBefore;
    const server = api;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssOf(server))), 50);
    let sent = 0;
    let replies = 0;
    try {
      const attack = flood(attacker.ws, typeLength, totalBytes, () => rssPeak - rssBefore > 64 * MiB);
      replies = await servedThroughout(server, attack);
      sent = await attack;
      if (rssPeak - rssBefore <= 64 * MiB) await closedSoon(attacker.ws);
    } finally {
      clearInterval(sampler);
    }
    rssPeak = Math.max(rssPeak, rssOf(server));
    expect(sent).toBeLessThan(totalBytes);
    expect(replies).toBeGreaterThan(0);
    expect(rssPeak - rssBefore).toBeLessThan(64 * MiB);
  });
});

describe('WebSocket liveness and limits', () => {
  let api: ApiProcess | undefined;
  afterEach(() => {
    api?.child.kill('SIGKILL');
    api = undefined;
  });

  it('ends a socket that never answers the server\'s pings, however many pongs it sends of its own', async () => {
    api = await startApiProcess({ HEARTBEAT_MS: '100' });
    const client = await connectWs(api.url, { autoPong: false });
    await client.authenticate(await guestToken(api));
    const pongs = setInterval(() => client.ws.readyState === WebSocket.OPEN && client.ws.pong(Buffer.from('alive')), 20);
    const answering = await openChatSocket(api.url, await guestToken(api));
    try {
      await waitFor(() => client.ws.readyState === WebSocket.CLOSED, 'the silent socket to be ended');
    } finally {
      clearInterval(pongs);
    }
    // The one that answers pings (ws does by default) lives on.
    expect(answering.ws.readyState).toBe(WebSocket.OPEN);
    answering.send({ type: 'chat', message: 'still here?' });
    expect((await answering.events()).at(-1)?.event).toBe('end');
    answering.close();
  });

  it('closes a socket past its message rate with 1008 and an error, and keeps serving the others', async () => {
    api = await startApiProcess({ WS_MESSAGES_PER_MINUTE: '40' });
    const token = await guestToken(api);
    const calm = await openChatSocket(api.url, token);
    const noisy = await openChatSocket(api.url, token);
    for (let i = 0; i < 20; i += 1) noisy.send({ type: 'stop', stream_id: 'nope' });
    const answers = [];
    for (;;) {
      const message = await noisy.next().catch(() => undefined);
      if (!message) break;
      answers.push(message);
    }
    expect(answers.at(-1)).toMatchObject({ type: 'error', status: 429, error: { code: 'too_many_messages' } });
    expect(await noisy.closed).toEqual({ code: 1008, reason: 'too_many_messages' });
    calm.send({ type: 'chat', message: 'and me?' });
    expect((await calm.events()).at(-1)?.event).toBe('end');
    calm.close();
  });

  it('repeats no more than a short prefix of what the client sent', async () => {
    api = await startApiProcess({});
    const client: WsTestClient = await openChatSocket(api.url, await guestToken(api));
    client.send({ type: 'y'.repeat(10_000) });
    const answer = await client.next();
    expect(answer).toMatchObject({ type: 'error', status: 400, error: { code: 'unknown_type' } });
    expect(JSON.stringify(answer).length).toBeLessThan(300);
    client.close();
  });
});
