import { Router } from 'express';
import type { ConversationView } from '../../protocol/index.js';
import { claimsOf } from '../auth/require-auth.js';
import { HttpError } from '../http/errors.js';
import type { Services } from '../services.js';

/** `GET /conversations/{conversation_id}`: the owner's messages, used by the widget to restore a conversation after a reload. */
export function conversationRoutes(services: Services): Router {
  const router = Router();
  router.get('/conversations/:conversationId', async (req, res) => {
    const conversation = await services.conversations.get(req.params.conversationId);
    if (!conversation || conversation.owner !== claimsOf(req).sub) {
      throw new HttpError(404, 'conversation_not_found', 'No conversation with that id (conversations expire after a day without activity).');
    }
    const view: ConversationView = {
      conversation_id: conversation.conversationId,
      messages: conversation.messages.map(({ role, content, status, created_at, stream_id, parts }) => ({ role, content, status, created_at, stream_id, ...(parts ? { parts } : {}) })),
    };
    res.set('Cache-Control', 'no-store').json(view);
  });
  return router;
}
