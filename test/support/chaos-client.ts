import { request, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Server } from 'node:http';
import { createParser, type EventSourceMessage } from 'eventsource-parser';

/** How a connection is cut mid-stream. */
export type CutKind = 'client-abort' | 'server-destroy';

/** Tracks a server's sockets by the client's port, so a test can cut a connection from the server side. */
export class SocketRegistry {
  private readonly byRemotePort = new Map<number, Socket>();

  constructor(server: Server) {
    server.on('connection', (socket) => {
      const port = socket.remotePort;
      if (port === undefined) return;
      this.byRemotePort.set(port, socket);
      socket.once('close', () => this.byRemotePort.delete(port));
    });
  }

  /** Destroys the server's end of the connection whose client side uses `localPort`. */
  destroy(localPort: number): boolean {
    const socket = this.byRemotePort.get(localPort);
    socket?.destroy();
    return socket !== undefined;
  }
}

/** One attempt: the events it received before it ended or was cut. */
interface Attempt {
  events: EventSourceMessage[];
  status: number;
}

/**
 * POSTs to `/stream/chat` over a fresh connection and parses the SSE reply; when `cutAt` events
 * have arrived, cuts the connection the way `cut` says.
 */
export function attempt(
  url: string,
  token: string,
  body: object,
  lastEventId: string | undefined,
  cutAt: number | undefined,
  cut: CutKind,
  registries: Map<string, SocketRegistry>,
): Promise<Attempt> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'Content-Type': 'application/json', Authorization: `Bearer ${token}`, Accept: 'text/event-stream' };
    if (lastEventId) headers['Last-Event-ID'] = lastEventId;
    const req = request(`${url}/stream/chat`, { method: 'POST', headers, agent: false });
    const result: Attempt = { events: [], status: 0 };
    let done = false;
    const finish = () => {
      if (!done) {
        done = true;
        resolve(result);
      }
    };
    req.on('error', finish); // a cut connection: what arrived is what counts
    req.on('response', (res: IncomingMessage) => {
      result.status = res.statusCode ?? 0;
      const parser = createParser({
        onEvent: (event) => {
          if (done) return;
          result.events.push(event);
          if (result.events.length === cutAt) {
            if (cut === 'client-abort') req.destroy();
            else if (req.socket?.localPort !== undefined) registries.get(url)?.destroy(req.socket.localPort);
            finish();
          }
        },
      });
      res.setEncoding('utf8');
      res.on('data', (text: string) => parser.feed(text));
      res.on('end', finish);
      res.on('error', finish);
      res.on('close', finish);
    });
    req.end(JSON.stringify(body), () => undefined);
    req.on('timeout', () => reject(new Error('attempt timed out')));
  });
}
