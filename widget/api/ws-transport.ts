import { WS_CLIENT_TYPE, WS_SERVER_TYPE, isTerminal, type WsClientMessage, type WsErrorMessage, type WsServerMessage } from '../../protocol/index.js';
import { apiEndpoint } from './api-client.js';
import { ApiError, StreamInterruptedError } from './api-errors.js';
import type { StreamAttempt, StreamTransport } from './stream-transport.js';

/** What the socket's messages go to while an attempt is reading. */
type Handler = (message: WsServerMessage) => void;

/** `{api-url}/ws/chat` as a `ws:` or `wss:` URL, relative API URLs included. */
function socketUrl(apiUrl: string): string {
  const url = new URL(apiEndpoint(apiUrl, '/ws/chat'), location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}

/**
 * Reads replies over `/ws/chat`, one authenticated socket kept open between messages (each
 * message saves the TCP and TLS handshakes SSE pays). Like the SSE reader it leaves every retry
 * decision to the controller: a socket that drops mid-reply throws {@link StreamInterruptedError},
 * and the controller's next attempt connects again and sends `resume` with the last applied id.
 * A new token (after a 401) gets a new socket; aborting an attempt drops the socket, since the
 * server would go on sending the abandoned stream on it.
 */
export class WsTransport implements StreamTransport {
  private socket: WebSocket | undefined;
  /** What the socket authenticated with: the URL and token it may be reused for. */
  private key = '';
  private handler: Handler | undefined;

  async read(attempt: StreamAttempt): Promise<void> {
    const socket = await this.connect(socketUrl(attempt.apiUrl), attempt.token, attempt.signal);
    if (!socket) return;
    const request: WsClientMessage = attempt.lastEventId
      ? { type: WS_CLIENT_TYPE.resume, last_event_id: attempt.lastEventId }
      : { ...attempt.body, type: WS_CLIENT_TYPE.chat, message: attempt.body.message ?? '' };
    // The server's read ends with its end or error event; an abort after it (the controller
    // aborts as it finishes the reply) leaves the socket idle and reusable.
    let readOver = false;
    const handle = (message: WsServerMessage, settle: (outcome?: Error) => void) => {
      if ('event' in message) {
        readOver = isTerminal(message.event);
        // Reply applies the SSE message shape: the event's data as the JSON text it came from.
        attempt.onEvent({ event: message.event, id: message.id, data: JSON.stringify(message.data) });
        if (attempt.isDone()) settle();
      } else if (message.type === WS_SERVER_TYPE.error) settle(toApiError(message));
      else if (message.type === WS_SERVER_TYPE.readEnd) settle(new StreamInterruptedError('The stream ended before its end event.'));
    };
    await this.exchange(socket, request, attempt.signal, handle, () => readOver);
  }

  /** Closes the socket (the element left the page, or the transport changed). */
  close(): void {
    this.drop();
  }

  /** An open socket authenticated with `token`: the current one, or a new one. Undefined when aborted. */
  private async connect(url: string, token: string, signal: AbortSignal): Promise<WebSocket | undefined> {
    const key = `${url} ${token}`;
    if (this.socket?.readyState === WebSocket.OPEN && this.key === key) return this.socket;
    if (signal.aborted) return undefined;
    this.drop();
    const socket = new WebSocket(url);
    this.socket = socket;
    this.key = key;
    socket.onmessage = (event) => this.handler?.(JSON.parse(String(event.data)) as WsServerMessage);
    const opened = await new Promise<boolean>((resolve, reject) => {
      const aborted = () => resolve(false);
      socket.onopen = () => {
        signal.removeEventListener('abort', aborted);
        resolve(true);
      };
      // The browser hides why a handshake failed (a refused origin looks like the network being
      // down); a TypeError, as fetch throws, makes the controller check the origin, then retry.
      socket.onclose = () => {
        signal.removeEventListener('abort', aborted);
        reject(new TypeError('The WebSocket connection failed.'));
      };
      signal.addEventListener('abort', aborted, { once: true });
    });
    if (!opened) {
      this.drop();
      return undefined;
    }
    let ready = false;
    const handle = (message: WsServerMessage, settle: (outcome?: Error) => void) => {
      if ('event' in message) return;
      if (message.type === WS_SERVER_TYPE.ready) {
        ready = true;
        settle();
      } else if (message.type === WS_SERVER_TYPE.error) settle(toApiError(message));
    };
    await this.exchange(socket, { type: WS_CLIENT_TYPE.auth, token }, signal, handle, () => false);
    return ready ? socket : undefined;
  }

  /**
   * Sends `request` and hands the answers to `handle` until it settles: with nothing to resolve,
   * with an error to reject. A socket closing first rejects; aborting resolves, and drops the
   * socket unless `idle()` says the server is done with the request.
   */
  private exchange(
    socket: WebSocket,
    request: WsClientMessage,
    signal: AbortSignal,
    handle: (message: WsServerMessage, settle: (outcome?: Error) => void) => void,
    idle: () => boolean,
  ): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const settle = (outcome?: Error) => {
        this.handler = undefined;
        socket.onclose = null;
        signal.removeEventListener('abort', abort);
        if (outcome instanceof Error) {
          // Whatever the server still sends for this request would reach the next one.
          if (!(outcome instanceof ApiError && outcome.status !== 401)) this.drop();
          reject(outcome);
        } else resolve();
      };
      const abort = () => {
        if (!idle()) this.drop();
        settle();
      };
      this.handler = (message) => {
        try {
          handle(message, settle);
        } catch (err) {
          settle(err instanceof Error ? err : new Error(String(err)));
        }
      };
      socket.onclose = (event) => settle(new StreamInterruptedError(`The WebSocket closed (${event.code}) before the end event.`));
      signal.addEventListener('abort', abort, { once: true });
      if (signal.aborted) abort();
      else socket.send(JSON.stringify(request));
    });
  }

  private drop(): void {
    const socket = this.socket;
    this.socket = undefined;
    this.handler = undefined;
    if (!socket) return;
    socket.onclose = null;
    socket.onmessage = null;
    socket.close(1000);
  }
}

/** An `error` message as the error fetch would have produced for the same HTTP answer. */
function toApiError(message: WsErrorMessage): ApiError {
  return new ApiError(message.status, message.error.code, message.error.message, message.retry_after ? message.retry_after * 1000 : undefined);
}
