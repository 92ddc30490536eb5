import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { HttpError, originNotAllowed } from '../../http/errors.js';
import { WS_PATH } from '../../../protocol/index.js';

/** What decides whether an upgrade may proceed. */
export interface UpgradeGate {
  /** `createOriginMatcher(ALLOWED_ORIGINS)`. */
  isAllowedOrigin(origin: string): boolean;
  /** True once shutdown has begun. */
  draining(): boolean;
}

/** Query parameters that would put a credential in the URL (and so in access logs). */
const TOKEN_PARAMS = ['token', 'access_token', 'jwt', 'authorization'];

/**
 * Why an upgrade request is refused, or undefined when it may proceed. Only {@link WS_PATH} is
 * served; a request without `Origin` (a server, a CLI) is not a browser's and passes, a browser's
 * must come from `ALLOWED_ORIGINS` — browsers send `Origin` on every WebSocket handshake, and the
 * same-origin policy does not protect WebSockets, so this check is the only guard against a
 * foreign page using a visitor's connection.
 */
export function checkUpgrade(req: IncomingMessage, gate: UpgradeGate): HttpError | undefined {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname !== WS_PATH) return new HttpError(404, 'not_found', `No WebSocket endpoint at ${url.pathname}; connect to ${WS_PATH}.`);
  const origin = req.headers.origin;
  if (origin !== undefined && !gate.isAllowedOrigin(origin)) {
    return originNotAllowed(origin);
  }
  if (TOKEN_PARAMS.some((name) => url.searchParams.has(name))) {
    return new HttpError(400, 'token_in_url', 'Tokens are not accepted in the URL; send {"type":"auth","token":"…"} as the first message.');
  }
  if (gate.draining()) return new HttpError(503, 'draining', 'This server is shutting down; connect again.', { 'Retry-After': '1' });
  return undefined;
}

/** Answers a refused upgrade with the API's JSON error body, then drops the socket. */
export function refuseUpgrade(socket: Duplex, error: HttpError): void {
  const body = JSON.stringify(error.toBody());
  const headers = {
    Connection: 'close',
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    ...error.headers,
  };
  const head = [`HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? ''}`, ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)].join('\r\n');
  // end() flushes the answer before closing; destroy() afterwards covers a peer that never reads.
  socket.end(`${head}\r\n\r\n${body}`, () => socket.destroy());
}
