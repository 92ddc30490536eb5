import type { RawData, WebSocket } from 'ws';
import type { TokenClaims } from '../../auth/token-verifier.js';
import { HttpError, toHttpError } from '../../http/errors.js';
import type { Services } from '../../services.js';
import { messageLimitKey, type RateLimit } from '../../http/rate-limits.js';
import { parseChatBody } from '../../chat/chat-request.js';
import type { ReadStart } from '../../chat/stream-service.js';
import { sendWsStream } from './send-ws-stream.js';
import { WsMessageBudget } from './ws-message-budget.js';
import { WS_CLIENT_TYPE, WS_CLOSE, WS_PATH, type WsErrorMessage, type WsServerMessage } from '../../../protocol/index.js';
import { WS_AUTH, WS_ENVELOPE, WS_RESUME, WS_STOP } from './ws-client-message.js';

/** How long a new socket may take to send its `auth` message. */
export const AUTH_TIMEOUT_MS = 10_000;

/** How long a refused socket may take to answer the close frame before it is cut. */
const CLOSE_ANSWER_MS = 1000;

/** What every session on one server shares. */
export interface WsSessionDeps {
  services: Services;
  rateLimit: RateLimit;
}

/**
 * One `/ws/chat` connection: authenticates with the first message, then reads one stream at a
 * time. A `chat` or `resume` while a stream is being read is refused with 409 `busy` (rather than
 * cancelling that read: events of the old stream already in flight would then mix with the new
 * one's); the client waits for the terminal event, stops the stream, or opens another socket.
 */
export class WsChatSession {
  private claims: TokenClaims | undefined;
  private reading = false;
  private readonly closed = new AbortController();
  private readonly authTimer: NodeJS.Timeout;
  private readonly budget: WsMessageBudget;

  constructor(
    private readonly ws: WebSocket,
    private readonly deps: WsSessionDeps,
  ) {
    this.authTimer = setTimeout(() => this.refuse(new HttpError(401, 'unauthorized', `No auth message within ${AUTH_TIMEOUT_MS / 1000} s.`)), AUTH_TIMEOUT_MS);
    this.budget = new WsMessageBudget(deps.services.config.wsMessagesPerMinute);
    ws.on('message', (data, isBinary) => {
      if (!this.budget.take()) {
        this.refuse(new HttpError(429, 'too_many_messages', 'This socket sent messages faster than the API accepts; connect again and send fewer.'));
        return;
      }
      this.handleMessage(data, isBinary).catch((err: unknown) => this.fail(err));
    });
    // ws reports protocol violations (a message over maxPayload, a bad frame) here after closing
    // the socket with the matching code; unhandled, the error would end the process.
    ws.on('error', (err) => this.deps.services.log.info({ err: err.message }, 'websocket closed on a protocol error'));
    const connectedAt = Date.now();
    ws.on('close', (code) => {
      clearTimeout(this.authTimer);
      this.closed.abort();
      // The request log's line for this connection, written when it ends.
      deps.services.log.info({ path: WS_PATH, user: this.claims?.sub, code, ms: Date.now() - connectedAt }, 'websocket closed');
    });
  }

  private async handleMessage(data: RawData, isBinary: boolean): Promise<void> {
    const json = isBinary ? undefined : parseJson(data.toString());
    const envelope = WS_ENVELOPE.safeParse(json);
    if (!envelope.success) {
      const error = isBinary || json !== undefined
        ? new HttpError(400, 'invalid_message', 'Send JSON text messages of the form {"type": "auth" | "chat" | "resume" | "stop", …}.')
        : new HttpError(400, 'invalid_json', 'The message is not valid JSON.');
      if (this.claims) this.sendError(error);
      else this.refuse(error);
      return;
    }
    const message = envelope.data;
    if (!this.claims) {
      this.authenticate(message);
      return;
    }
    // A socket outlives its token's check: each request checks the expiry again, as HTTP would.
    if (this.claims.exp * 1000 <= Date.now()) {
      this.refuse(new HttpError(401, 'unauthorized', 'The token has expired; connect again with a new one.'));
      return;
    }
    const owner = this.claims.sub;
    switch (message.type) {
      case WS_CLIENT_TYPE.chat: {
        const { maxMessageLength } = this.deps.services.config;
        // The rate limit counts before the stream caps and validation, as the HTTP middleware does.
        const admit = () => this.deps.rateLimit.hit(messageLimitKey(owner));
        return this.read(owner, async () => this.deps.services.streams.start(owner, parseChatBody(message, maxMessageLength)), admit);
      }
      case WS_CLIENT_TYPE.resume: {
        const { last_event_id: lastEventId } = WS_RESUME.parse(message);
        return this.read(owner, () => this.deps.services.streams.resume(lastEventId, owner));
      }
      case WS_CLIENT_TYPE.stop:
        return this.stop(owner, WS_STOP.parse(message).stream_id);
      case WS_CLIENT_TYPE.auth:
        return this.sendError(new HttpError(400, 'already_authenticated', 'This socket is already authenticated; open a new one to use another token.'));
      default:
        return this.sendError(new HttpError(400, 'unknown_type', `Unknown message type ${quotePrefix(message.type)}; use "chat", "resume" or "stop".`));
    }
  }

  private authenticate(message: { type: string }): void {
    const auth = WS_AUTH.safeParse(message);
    if (!auth.success) {
      this.refuse(new HttpError(401, 'unauthorized', 'Authenticate first: send {"type":"auth","token":"<jwt>"} as the first message.'));
      return;
    }
    const { token } = auth.data;
    if (token === undefined) {
      this.refuse(new HttpError(401, 'unauthorized', 'The auth message needs a "token" string; get one from /auth/login or /auth/guest.'));
      return;
    }
    try {
      this.claims = this.deps.services.verifier.verify(token);
    } catch (err) {
      this.refuse(err);
      return;
    }
    clearTimeout(this.authTimer);
    this.send({ type: 'ready' });
  }

  /**
   * Opens a read with `open` (after `admit`, a rate limit) and sends its events; request errors
   * become error messages.
   */
  private async read(owner: string, open: () => Promise<ReadStart>, admit?: () => Promise<void>): Promise<void> {
    if (this.reading) {
      this.sendError(new HttpError(409, 'busy', 'This socket is already reading a stream; wait for its end, stop it, or open another socket.'));
      return;
    }
    const receivedAt = performance.now();
    const { services } = this.deps;
    this.reading = true;
    let release: (() => void) | undefined;
    try {
      await admit?.();
      release = services.openStreams.acquire(owner, this.claims?.net);
      const start = await open();
      if (this.closed.signal.aborted) return;
      await sendWsStream(services, this.ws, start, { receivedAt, signal: this.closed.signal, onTerminal: () => (this.reading = false) });
    } catch (err) {
      this.fail(err);
    } finally {
      release?.();
      this.reading = false;
    }
  }

  private async stop(owner: string, streamId: string): Promise<void> {
    try {
      await this.deps.services.streams.stop(streamId, owner);
      this.send({ type: 'stopped', stream_id: streamId });
    } catch (err) {
      this.fail(err);
    }
  }

  /** A request error becomes an error message; anything else is logged and answered with a 500. */
  private fail(err: unknown): void {
    const error = toHttpError(err);
    if (!error) this.deps.services.log.error({ err }, 'websocket request failed');
    this.sendError(error ?? new HttpError(500, 'internal_error', 'Something went wrong on our side; try again.'));
  }

  private sendError(error: HttpError): void {
    const message: WsErrorMessage = { type: 'error', error: { code: error.code, message: error.message }, status: error.status };
    const retryAfter = Number(error.headers['Retry-After']);
    if (retryAfter > 0) message.retry_after = retryAfter;
    this.send(message);
  }

  /** Answers with the error and closes the socket: authentication failed or never happened, or the socket floods. */
  private refuse(err: unknown): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    clearTimeout(this.authTimer);
    const error = toHttpError(err) ?? new HttpError(401, 'unauthorized', 'The token could not be verified.');
    this.sendError(error);
    // The close reason is capped at 123 bytes; the error message above carries the details.
    this.ws.close(WS_CLOSE.policyViolation, error.code);
    // A client that does not read never answers the close frame; ws would wait 30 s for it.
    setTimeout(() => this.ws.terminate(), CLOSE_ANSWER_MS).unref();
  }

  /**
   * Queues `message`, unless the peer has left more than `WS_MAX_BUFFERED_BYTES` unread: then the
   * socket is cut instead, since a close frame would only queue behind what it does not read.
   * Every message of the session goes through here; stream events wait for the socket in
   * `WsEventWriter`, which never queues more than one batch.
   */
  private send(message: WsServerMessage): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    if (this.ws.bufferedAmount > this.deps.services.config.wsMaxBufferedBytes) {
      this.deps.services.log.warn({ user: this.claims?.sub, buffered: this.ws.bufferedAmount }, 'websocket dropped: the client stopped reading');
      this.ws.terminate();
      return;
    }
    this.ws.send(JSON.stringify(message));
  }
}

/** Longest piece of a client's input an error message repeats. */
const ECHO_MAX_CHARS = 32;

/** `value` quoted for an error message, cut to {@link ECHO_MAX_CHARS} characters so a reply never grows with the input. */
function quotePrefix(value: string): string {
  return JSON.stringify(value.length > ECHO_MAX_CHARS ? `${value.slice(0, ECHO_MAX_CHARS)}…` : value);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // Not JSON: the caller answers invalid_json.
    return undefined;
  }
}
