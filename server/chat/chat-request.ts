import type { Request } from 'express';
import { z } from 'zod';
import type { ErrorCode } from '../../protocol/index.js';
import { HttpError } from '../http/errors.js';
import { isJsonRequest } from '../http/json-body.js';
import type { Revision } from '../stores/message-tree.js';

/** A validated `POST /stream/chat` body. */
export interface ChatRequest {
  /** The user's message; for a regenerated reply, empty (the store knows the message it answers). */
  message: string;
  /** Regenerate the last reply, or edit the last user message: a new version instead of a new turn. */
  revision?: Revision;
  metadata: Record<string, unknown>;
  /** Continues this conversation; a new one is created when absent. */
  conversationId: string | undefined;
  /** The client's idempotency key: a retry with the same one attaches to the same stream. */
  requestId: string | undefined;
}

/** What each defect of a body is answered with; the schema's issues carry the code as their message. */
const DEFECTS = {
  invalid_body: 'The body must be a JSON object: {"message": "…"}.',
  missing_message: 'The body needs a "message" string.',
  invalid_message: '"message" must be a string.',
  empty_message: '"message" must not be empty.',
  invalid_metadata: '"metadata" must be a JSON object.',
  invalid_conversation_id: '"conversation_id" must be a string of 1 to 64 letters, digits, "-" or "_" (a UUID fits).',
  invalid_request_id: '"request_id" must be a string of 1 to 64 letters, digits, "-" or "_" (a UUID fits).',
  invalid_regenerate: '"regenerate" must be true, with "conversation_id" and without "message" or "edit".',
  invalid_edit: '"edit" must be {"message_id": "…", "message": "…"} (the last message you sent, and its new text), with "conversation_id" and without "message".',
} as const satisfies Partial<Record<ErrorCode, string>>;
type Defect = keyof typeof DEFECTS;

/** An id field: absent (or null), or 1 to 64 URL-safe characters. */
const id = (defect: Defect) => z.string({ error: defect }).regex(/^[A-Za-z0-9_-]{1,64}$/, { error: defect }).nullish();

const CHAT_BODY = z.object(
  {
    message: z
      .string({ error: 'invalid_message' })
      .refine((message) => message.trim() !== '', { error: 'empty_message' })
      .optional(),
    metadata: z.record(z.string(), z.unknown(), { error: 'invalid_metadata' }).nullish(),
    conversation_id: id('invalid_conversation_id'),
    request_id: id('invalid_request_id'),
    regenerate: z.boolean({ error: 'invalid_regenerate' }).nullish(),
    edit: z
      .object(
        {
          message_id: z.string({ error: 'invalid_edit' }).regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'invalid_edit' }),
          message: z.string({ error: 'invalid_edit' }).refine((message) => message.trim() !== '', { error: 'empty_message' }),
        },
        { error: 'invalid_edit' },
      )
      .nullish(),
  },
  { error: 'invalid_body' },
);

function isDefect(message: string | undefined): message is Defect {
  return message !== undefined && Object.hasOwn(DEFECTS, message);
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
  // An array is an object to zod's record but not a body; the schema sees only plain objects.
  const parsed = CHAT_BODY.safeParse(Array.isArray(body) ? undefined : body);
  if (!parsed.success) {
    const defect = parsed.error.issues[0]?.message;
    const code: Defect = isDefect(defect) ? defect : 'invalid_body';
    throw new HttpError(400, code, DEFECTS[code]);
  }
  const { metadata, conversation_id, request_id, regenerate, edit } = parsed.data;
  const revision = revisionOf(parsed.data);
  const message = edit?.message ?? parsed.data.message ?? '';
  let length = 0;
  for (const _ of message) length += 1; // code points, not UTF-16 units
  if (length > maxMessageLength) {
    throw new HttpError(413, 'message_too_long', `"message" has ${length} characters; the limit is ${maxMessageLength}.`);
  }
  const request = { message, metadata: metadata ?? {}, conversationId: conversation_id ?? undefined, requestId: request_id ?? undefined };
  return regenerate || edit ? { ...request, revision } : request;
}

/** The revision a body asks for, if any. @throws HttpError 400 when it is not one the API can do. */
function revisionOf(body: z.infer<typeof CHAT_BODY>): Revision | undefined {
  const { message, conversation_id, regenerate, edit } = body;
  if (regenerate === true) {
    if (message !== undefined || edit || !conversation_id) throw new HttpError(400, 'invalid_regenerate', DEFECTS.invalid_regenerate);
    return { kind: 'regenerate' };
  }
  if (edit) {
    if (message !== undefined || !conversation_id) throw new HttpError(400, 'invalid_edit', DEFECTS.invalid_edit);
    return { kind: 'edit', messageId: edit.message_id, message: edit.message };
  }
  if (message === undefined) throw new HttpError(400, 'missing_message', DEFECTS.missing_message);
  return undefined;
}
