import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postChat, readAllEvents } from '../../../support/sse.js';
import { startTestApi, type TestApi } from '../../../support/test-api.js';
import { ScriptedAgent } from '../../../support/test-agents.js';
import { waitFor } from '../../../support/wait-for.js';

const PIECE = 'x'.repeat(16 * 1024);
const PIECES = 2000; // 32 MiB, far more than the kernel's socket buffers hold

describe('slow readers', () => {
  let api: TestApi;
  let token: string;
  const serverSockets: Socket[] = [];

  beforeAll(async () => {
    api = await startTestApi({ READER_STALL_MS: '500', MAX_REPLY_BYTES: String(64 * 1024 * 1024), MAX_REPLY_CHUNKS: '5000' }, { agent: new ScriptedAgent() });
    api.server.on('connection', (socket) => serverSockets.push(socket));
    token = await api.login();
  });
  afterAll(() => api.close());

  it('holds a bounded amount for a client that stops reading, disconnects it, and lets it resume', async () => {
    const body = JSON.stringify({ message: 'flood', metadata: { pieces: [PIECE], repeat: PIECES } });
    const client = connect(Number(new URL(api.url).port), '127.0.0.1');
    await new Promise((resolve) => client.once('connect', resolve));
    client.write(
      `POST /stream/chat HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    let firstBytes = '';
    client.once('data', (data) => {
      firstBytes = data.toString('latin1');
      client.pause(); // stop reading: the kernel buffers fill, then the server's writes return false
    });
    await waitFor(() => firstBytes !== '', 'the response to begin');

    const serverSocket = serverSockets.find((socket) => socket.remotePort === client.localPort)!;
    expect(serverSocket).toBeDefined();
    let maxBuffered = 0;
    const sampler = setInterval(() => (maxBuffered = Math.max(maxBuffered, serverSocket.writableLength)), 5);
    const closed = new Promise((resolve) => serverSocket.once('close', resolve));
    await closed; // READER_STALL_MS after the socket stopped draining
    clearInterval(sampler);
    client.destroy();

    expect(maxBuffered).toBeGreaterThan(0);
    expect(maxBuffered).toBeLessThan(1024 * 1024);

    // The generation went on regardless, and the whole reply can be read again.
    const streamId = /"stream_id":"([0-9a-f-]{36})"/.exec(firstBytes)?.[1];
    expect(streamId).toBeDefined();
    const events = await readAllEvents(await postChat(api.url, token, {}, { 'Last-Event-ID': `${streamId}:0` }));
    expect(events.filter((event) => event.event === 'chunk')).toHaveLength(PIECES + 1);
    expect(events.at(-1)!.event).toBe('end');
  });

  it('ends a reply that outgrows the log bounds with a clear error event', async () => {
    const small = await startTestApi({ MAX_REPLY_CHUNKS: '5' }, { agent: new ScriptedAgent() });
    try {
      const events = await readAllEvents(await postChat(small.url, await small.login(), { message: 'big', metadata: { pieces: Array(10).fill('word ') } }));
      expect(events.filter((event) => event.event === 'chunk')).toHaveLength(5);
      expect(events.at(-1)!.event).toBe('error');
      expect(JSON.parse(events.at(-1)!.data).error).toMatch(/exceeded the limit of 5 chunks/);
    } finally {
      await small.close();
    }
  });
});
