import type { Request } from 'express';
import { ERROR_CODE } from '../../protocol/index.js';
import { HttpError } from '../errors.js';
import { isJsonRequest } from '../json-body.js';

/** A validated `POST /stream/chat` body. */
export interface ChatRequest {
  message: string;
  metadata: Record<string, unknown>;
  /** Continues this conversation; a new one is created when absent. */
  conversationId: string | undefined;
  /** The client's idempotency key: a retry with the same one attaches to the same stream. */
  requestId: string | undefined;
}

const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The error code of each id field. */
const INVALID_ID = { conversation_id: ERROR_CODE.invalidConversationId, request_id: ERROR_CODE.invalidRequestId } as const;

function readId(body: Record<string, unknown>, field: keyof typeof INVALID_ID): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !ID_PATTERN.test(value)) {
    throw new HttpError(400, INVALID_ID[field], `"${field}" must be a string of 1 to 64 letters, digits, "-" or "_" (a UUID fits).`);
  }
  return value;
}

/**
 * Reads and validates the body of `POST /stream/chat`.
 * @throws HttpError 415 for a body that is not JSON, 400 for a malformed field, 413 for a message over `maxMessageLength`.
 */
export function parseChatRequest(req: Request, maxMessageLength: number): ChatRequest {
  if (!isJsonRequest(req)) throw new HttpError(415, 'unsupported_media_type', 'Send the message as Content-Type: application/json.');
  return parseChatBody(req.body, maxMessageLength);
}

/**
 * Validates a chat message already decoded from JSON (an HTTP body or a WebSocket message).
 * @throws HttpError 400 for a malformed field, 413 for a message over `maxMessageLength`.
 */
export function parseChatBody(body: unknown, maxMessageLength: number): ChatRequest {
  if (!isPlainObject(body)) throw new HttpError(400, 'invalid_body', 'The body must be a JSON object: {"message": "…"}.');
  const { message, metadata } = body;
  if (message === undefined) throw new HttpError(400, 'missing_message', 'The body needs a "message" string.');
  if (typeof message !== 'string') throw new HttpError(400, 'invalid_message', '"message" must be a string.');
  if (message.trim() === '') throw new HttpError(400, 'empty_message', '"message" must not be empty.');
  let length = 0;
  for (const _ of message) length += 1; // code points, not UTF-16 units
  if (length > maxMessageLength) {
    throw new HttpError(413, 'message_too_long', `"message" has ${length} characters; the limit is ${maxMessageLength}.`);
  }
  if (metadata !== undefined && metadata !== null && !isPlainObject(metadata)) throw new HttpError(400, 'invalid_metadata', '"metadata" must be a JSON object.');
  return {
    message,
    metadata: isPlainObject(metadata) ? metadata : {},
    conversationId: readId(body, 'conversation_id'),
    requestId: readId(body, 'request_id'),
  };
}
