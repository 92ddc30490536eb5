/**
 * The WebSocket wire protocol of `GET /ws/chat`. The events are those of the SSE protocol — same
 * names, same ids, same data — as JSON text messages; only the envelope differs.
 */
import type { ErrorBody } from './http-errors.js';
import type { StreamEvent } from './stream-events.js';

/** The one path the API accepts WebSocket upgrades on. */
export const WS_PATH = '/ws/chat';

/** The `type` of each message a client sends. */
export const WS_CLIENT_TYPE = { auth: 'auth', chat: 'chat', resume: 'resume', stop: 'stop' } as const;

/** The `type` of each control message the API sends (stream events have `event` instead). */
export const WS_SERVER_TYPE = { ready: 'ready', stopped: 'stopped', readEnd: 'read_end', error: 'error' } as const;

/** Close codes the API uses (RFC 6455 §7.4.1). */
export const WS_CLOSE = {
  /** A reader finished its conversation with the API. */
  normal: 1000,
  /** The server is shutting down: connect again (to another instance). */
  goingAway: 1001,
  /** No or a bad token, a message before authenticating, a token that has expired, or too many messages. */
  policyViolation: 1008,
  /** A message larger than the API accepts (as large as an HTTP body may be). */
  messageTooBig: 1009,
} as const;

/** The client's first message: the token travels here, never in the URL. */
export interface WsAuthMessage {
  type: typeof WS_CLIENT_TYPE.auth;
  token: string;
}

/** A new message: the fields of the `POST /stream/chat` body, plus `type`. */
export interface WsChatMessage {
  type: typeof WS_CLIENT_TYPE.chat;
  /** Absent when regenerating or editing. */
  message?: string;
  metadata?: Record<string, unknown>;
  conversation_id?: string;
  request_id?: string;
  /** A new version of the last reply (needs `conversation_id`). */
  regenerate?: boolean;
  /** A new version of the last user message, answered anew (needs `conversation_id`). */
  edit?: { message_id: string; message: string };
}

/** Resume after the event with this id (the `Last-Event-ID` of SSE). */
export interface WsResumeMessage {
  type: typeof WS_CLIENT_TYPE.resume;
  last_event_id: string;
}

/** Stop a stream (the `DELETE /stream/chat/{stream_id}` of HTTP). */
export interface WsStopMessage {
  type: typeof WS_CLIENT_TYPE.stop;
  stream_id: string;
}

/** Anything a client may send. */
export type WsClientMessage = WsAuthMessage | WsChatMessage | WsResumeMessage | WsStopMessage;

/** The token was accepted: the socket takes `chat`, `resume` and `stop` from now on. */
export interface WsReadyMessage {
  type: typeof WS_SERVER_TYPE.ready;
}

/** A `stop` was done (the stream's readers get `end` with `"status":"cancelled"`). */
export interface WsStoppedMessage {
  type: typeof WS_SERVER_TYPE.stopped;
  stream_id: string;
}

/**
 * A read ended before its stream's terminal event and nothing more will come for it: the
 * `resume` was from the terminal event itself, or the stream expired. The same as an SSE
 * response that ends without `end` or `error`.
 */
export interface WsReadEndMessage {
  type: typeof WS_SERVER_TYPE.readEnd;
}

/**
 * A request failed before any of its events: the HTTP transport's status and error body. The
 * socket stays open, except after a 401 (closed with {@link WS_CLOSE.policyViolation}).
 */
export interface WsErrorMessage {
  type: typeof WS_SERVER_TYPE.error;
  error: ErrorBody['error'];
  /** The HTTP status the same failure gets on `POST /stream/chat`. */
  status: number;
  /** Seconds to wait before trying again (the HTTP `Retry-After`), when the API says. */
  retry_after?: number;
}

/** One event of a stream, with the id the SSE transport gives it. */
export type WsEventMessage = StreamEvent & { id: string };

/** Anything the API sends: control messages have `type`, stream events have `event`. */
export type WsServerMessage = WsReadyMessage | WsStoppedMessage | WsReadEndMessage | WsErrorMessage | WsEventMessage;
