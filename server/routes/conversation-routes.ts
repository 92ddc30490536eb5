import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { ConversationListView, ConversationView } from '../../protocol/index.js';
import { claimsOf } from '../auth/require-auth.js';
import { HttpError } from '../http/errors.js';
import type { Services } from '../services.js';
import { decodeCursor, TITLE_LENGTH, type Conversation } from '../stores/conversation-store.js';

const notFound = () => new HttpError(404, 'conversation_not_found', 'No conversation with that id (it was deleted, or its retention ran out).');

const LIST_QUERY = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});

const RENAME_BODY = z.object({ title: z.string() });

/** Longest feedback comment, in characters. */
const COMMENT_LENGTH = 2000;

const FEEDBACK_BODY = z.strictObject({
  rating: z.enum(['up', 'down']),
  comment: z.string().max(COMMENT_LENGTH).optional(),
});

const SELECT_BODY = z.strictObject({ index: z.number().int().min(0).max(10_000) });

/** A conversation as `GET /conversations/{id}` shows it: the path of versions shown, oldest first. */
function conversationView(conversation: Conversation): ConversationView {
  return {
    conversation_id: conversation.conversationId,
    title: conversation.title,
    messages: conversation.messages.map(({ id, role, content, status, created_at, stream_id, parts, feedback, versions }) => ({
      ...(id ? { id } : {}),
      role,
      content,
      status,
      created_at,
      stream_id,
      ...(parts ? { parts } : {}),
      ...(feedback ? { feedback } : {}),
      ...(versions ? { versions } : {}),
    })),
  };
}

/** A title as given, trimmed: 1 to {@link TITLE_LENGTH} characters on one line. */
function validTitle(body: unknown): string {
  const parsed = RENAME_BODY.safeParse(body);
  const title = parsed.success ? parsed.data.title.trim() : '';
  if (!parsed.success || title === '' || [...title].length > TITLE_LENGTH || /[\r\n\0]/.test(title)) {
    throw new HttpError(400, 'invalid_title', `Send {"title": "..."}: 1 to ${TITLE_LENGTH} characters on one line.`);
  }
  return title;
}

/**
 * A signed-in user's conversations, theirs alone (anyone else's is a 404, as if it did not exist):
 * `GET /conversations` lists them newest first, a page at a time; `GET /conversations/{id}` gives
 * one with its messages (the widget restores a conversation with it); `PATCH` renames one;
 * `DELETE` stops its running reply and deletes it; `POST …/messages/{id}/feedback` rates a reply;
 * `POST …/messages/{id}/select` shows another version of a message.
 * @param json the API's JSON body parser, for `PATCH`
 */
export function conversationRoutes(services: Services, json: RequestHandler): Router {
  const router = Router();
  const own = async (conversationId: string, owner: string): Promise<Conversation> => {
    const conversation = await services.conversations.get(conversationId);
    if (!conversation || conversation.owner !== owner) throw notFound();
    return conversation;
  };

  router.get('/conversations', async (req, res) => {
    const query = LIST_QUERY.safeParse(req.query);
    if (!query.success) throw new HttpError(400, 'invalid_query', '"limit" must be a whole number from 1 to 100, and "cursor" the "next_cursor" of an earlier page.');
    const cursor = query.data.cursor === undefined ? undefined : decodeCursor(query.data.cursor);
    if (query.data.cursor !== undefined && !cursor) throw new HttpError(400, 'invalid_cursor', '"cursor" must be the "next_cursor" of an earlier page, as it was.');
    const page = await services.conversations.list(claimsOf(req).sub, query.data.limit, cursor);
    const view: ConversationListView = {
      conversations: page.conversations.map((summary) => ({ conversation_id: summary.conversationId, title: summary.title, created_at: summary.createdAt, updated_at: summary.updatedAt })),
      ...(page.nextCursor ? { next_cursor: page.nextCursor } : {}),
    };
    res.set('Cache-Control', 'no-store').json(view);
  });

  router.get('/conversations/:conversationId', async (req, res) => {
    res.set('Cache-Control', 'no-store').json(conversationView(await own(req.params.conversationId, claimsOf(req).sub)));
  });

  router.post<{ conversationId: string; messageId: string }>('/conversations/:conversationId/messages/:messageId/select', json, async (req, res) => {
    const body = SELECT_BODY.safeParse(req.body);
    if (!body.success) throw new HttpError(400, 'invalid_version', 'Send {"index": n}, the version to show, from 0.');
    const { conversationId, messageId } = req.params;
    const owner = claimsOf(req).sub;
    if (!(await services.conversations.select(conversationId, owner, messageId, body.data.index))) throw notFound();
    res.set('Cache-Control', 'no-store').json(conversationView(await own(conversationId, owner)));
  });

  router.patch<{ conversationId: string }>('/conversations/:conversationId', json, async (req, res) => {
    const title = validTitle(req.body);
    if (!(await services.conversations.rename(req.params.conversationId, claimsOf(req).sub, title))) throw notFound();
    res.status(204).end();
  });

  router.post<{ conversationId: string; messageId: string }>('/conversations/:conversationId/messages/:messageId/feedback', json, async (req, res) => {
    const body = FEEDBACK_BODY.safeParse(req.body);
    if (!body.success) {
      throw new HttpError(400, 'invalid_feedback', `Send {"rating": "up" | "down", "comment"?: "..."}, the comment at most ${COMMENT_LENGTH} characters.`);
    }
    const { conversationId, messageId } = req.params;
    const comment = body.data.comment?.trim();
    const feedback = { rating: body.data.rating, ...(comment ? { comment } : {}), created_at: new Date().toISOString() };
    const rated = await services.conversations.rate(conversationId, claimsOf(req).sub, messageId, feedback);
    if (!rated) throw new HttpError(404, 'message_not_found', 'No reply with that id in a conversation of yours.');
    services.metrics.feedback.inc({ rating: feedback.rating, agent: rated.agent });
    // The ids say which reply; the comment is the reader's words, kept in the store, not the log.
    services.log.info({ conversationId, messageId, rating: feedback.rating, agent: rated.agent, commented: comment !== undefined }, 'feedback');
    res.status(204).end();
  });

  router.delete('/conversations/:conversationId', async (req, res) => {
    const owner = claimsOf(req).sub;
    const conversation = await own(req.params.conversationId, owner);
    const reply = conversation.messages.at(-1);
    // A reply still being written is stopped first: its readers get their end event.
    if (reply?.status === 'streaming' && reply.stream_id) await services.streams.stop(reply.stream_id, owner).catch(() => undefined);
    if (!(await services.conversations.remove(conversation.conversationId, owner))) throw notFound();
    res.status(204).end();
  });
  return router;
}
