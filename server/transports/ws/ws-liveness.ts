import { randomBytes } from 'node:crypto';
import type { WebSocket, WebSocketServer } from 'ws';

/**
 * Pings every client each `intervalMs` and terminates those that did not answer the previous
 * ping. Only a pong that echoes the payload of the server's own outstanding ping counts
 * (RFC 6455 §5.5.3): a client that stopped reading never sees that payload, so unsolicited pongs
 * cannot keep it alive. Returns the function that stops the pings.
 */
export function keepAlive(wss: WebSocketServer, intervalMs: number): () => void {
  const outstanding = new WeakMap<WebSocket, Buffer>();
  wss.on('connection', (ws: WebSocket) => {
    ws.on('pong', (payload: Buffer) => {
      const expected = outstanding.get(ws);
      if (expected?.equals(payload)) outstanding.delete(ws);
    });
  });
  const timer = setInterval(() => {
    for (const ws of wss.clients) {
      if (outstanding.has(ws)) {
        ws.terminate();
        continue;
      }
      const payload = randomBytes(8);
      outstanding.set(ws, payload);
      ws.ping(payload);
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
