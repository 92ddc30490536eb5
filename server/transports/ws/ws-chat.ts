import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocket, WebSocketServer } from 'ws';
import { createOriginMatcher } from '../../http/cors.js';
import type { Services } from '../../services.js';
import { keepAlive } from './ws-liveness.js';
import { WS_CLOSE } from '../../../protocol/index.js';
import { WsChatSession } from './ws-session.js';
import { checkUpgrade, refuseUpgrade } from './ws-upgrade.js';

/** How long {@link closeWebSocket} lets clients answer the close handshake before cutting them. */
const CLOSE_GRACE_MS = 1000;

/**
 * Serves the WebSocket transport on `server`: upgrades to `/ws/chat` (see `protocol/ws-messages.ts`) from
 * a non-browser client or an allowed origin; every other upgrade is answered with a JSON error
 * and dropped. Peers are pinged every `HEARTBEAT_MS` and terminated when a ping goes unanswered
 * (see {@link keepAlive}).
 * Close it with {@link closeWebSocket}.
 */
export function attachWebSocket(server: Server, services: Services): WebSocketServer {
  const { config } = services;
  // The same bound as an HTTP body: room for the longest message however it is escaped.
  const wss = new WebSocketServer({ noServer: true, maxPayload: config.maxBodyBytes });
  const isAllowedOrigin = createOriginMatcher(config.allowedOrigins);
  const deps = { services, rateLimit: services.messageLimit };

  const handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Upgrade sockets come without an error listener; a reset before the handshake must not crash.
    socket.on('error', () => socket.destroy());
    const refusal = checkUpgrade(req, { isAllowedOrigin, draining: () => services.draining });
    if (refusal) {
      services.log.info({ path: req.url?.split('?')[0], origin: req.headers.origin, status: refusal.status }, 'websocket upgrade refused');
      refuseUpgrade(socket, refusal);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  };
  server.on('upgrade', handleUpgrade);

  wss.on('connection', (ws: WebSocket) => new WsChatSession(ws, deps));
  const stopPings = keepAlive(wss, config.heartbeatMs);

  wss.on('close', () => {
    stopPings();
    server.off('upgrade', handleUpgrade);
  });
  return wss;
}

/**
 * Closes the WebSocket transport: every client gets a close frame with 1001 (going away: connect
 * again, to another instance), those that do not answer within a second are cut, and the server
 * stops taking upgrades. Call it after `services.close()`, which lets readers send their streams'
 * terminal events first.
 */
export async function closeWebSocket(wss: WebSocketServer): Promise<void> {
  const clients = [...wss.clients];
  const closed = Promise.all(clients.map((ws) => (ws.readyState === WebSocket.CLOSED ? undefined : new Promise((resolve) => ws.once('close', resolve)))));
  for (const ws of clients) ws.close(WS_CLOSE.goingAway, 'server shutting down');
  await Promise.race([closed, sleep(CLOSE_GRACE_MS, undefined, { ref: false })]);
  for (const ws of wss.clients) ws.terminate();
  await new Promise<void>((resolve) => wss.close(() => resolve()));
}
