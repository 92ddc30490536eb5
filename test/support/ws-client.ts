import { WebSocket, type ClientOptions } from 'ws';
import type { WsEventMessage, WsServerMessage } from '../../protocol/index.js';

/** How a socket ended: the close code and reason the client saw. */
export interface WsClosed {
  code: number;
  reason: string;
}

/** A real `ws` client on `/ws/chat` that queues what the server sends, for tests to take in order. */
export class WsTestClient {
  private readonly queue: WsServerMessage[] = [];
  private wake: (() => void) | undefined;
  /** Resolves when the socket has closed. */
  readonly closed: Promise<WsClosed>;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.queue.push(JSON.parse(data.toString()) as WsServerMessage);
      this.wake?.();
    });
    this.closed = new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    void this.closed.then(() => this.wake?.());
  }

  /** Sends `message` as JSON text (or `raw` as is). */
  send(message: Record<string, unknown> | string): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The next message; rejects when the socket closes first or nothing comes within `timeoutMs`. */
  async next(timeoutMs = 10_000): Promise<WsServerMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const message = this.queue.shift();
      if (message) return message;
      if (this.ws.readyState === WebSocket.CLOSED) throw new Error('the socket closed before the next message');
      if (Date.now() > deadline) throw new Error('no message arrived in time');
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, 50);
      });
    }
  }

  /** Events until (and including) the terminal one, or until `read_end`. */
  async events(): Promise<WsEventMessage[]> {
    const events: WsEventMessage[] = [];
    for (;;) {
      const message = await this.next();
      if ('type' in message && message.type === 'read_end') return events;
      if (!('event' in message)) throw new Error(`expected an event, got ${JSON.stringify(message)}`);
      events.push(message);
      if (message.event === 'end' || message.event === 'error') return events;
    }
  }

  /** Sends the auth message and expects `ready`. */
  async authenticate(token: string): Promise<this> {
    this.send({ type: 'auth', token });
    const answer = await this.next();
    if (!('type' in answer) || answer.type !== 'ready') throw new Error(`expected ready, got ${JSON.stringify(answer)}`);
    return this;
  }

  close(): void {
    this.ws.close();
  }
}

/** Opens a socket to `{apiUrl}{path}`; rejects with the HTTP status when the upgrade is refused. */
export function connectWs(apiUrl: string, options: ClientOptions & { path?: string } = {}): Promise<WsTestClient> {
  const { path = '/ws/chat', ...clientOptions } = options;
  const ws = new WebSocket(`${apiUrl.replace(/^http/, 'ws')}${path}`, clientOptions);
  const client = new WsTestClient(ws);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(client));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => reject(new UpgradeRefused(res.statusCode ?? 0, body)));
    });
    ws.once('error', reject);
  });
}

/** The server answered the upgrade with an HTTP error instead of 101. */
export class UpgradeRefused extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`upgrade refused with ${status}: ${body}`);
  }
}

/** Connects and authenticates. */
export async function openChatSocket(apiUrl: string, token: string, options: ClientOptions = {}): Promise<WsTestClient> {
  return (await connectWs(apiUrl, options)).authenticate(token);
}
