import { Router, type RequestHandler } from 'express';
import { claimsOf } from '../auth/require-auth.js';
import type { Services } from '../services.js';
import { sendSseStream } from '../transports/sse/send-sse-stream.js';
import { parseChatRequest } from '../chat/chat-request.js';

/** `DELETE /stream/chat/{stream_id}`: stops one of the caller's streams. */
export function stopRoute(services: Services): Router {
  const router = Router();
  router.delete('/stream/chat/:streamId', async (req, res) => {
    await services.streams.stop(req.params.streamId, claimsOf(req).sub);
    res.status(204).end();
  });
  return router;
}

/**
 * `POST /stream/chat` after authentication: starts a reply, or resumes one with `Last-Event-ID`,
 * and sends its events as SSE. Served ahead of the router (see `app.ts`), its only registration.
 */
export function streamChat(services: Services): RequestHandler {
  return async (req, res) => {
    const { sub: owner, net } = claimsOf(req);
    const release = services.openStreams.acquire(owner, net);
    try {
      const lastEventId = req.get('last-event-id');
      const { streams } = services;
      const start = lastEventId !== undefined ? await streams.resume(lastEventId, owner) : await streams.start(owner, parseChatRequest(req, services.config.maxMessageLength));
      await sendSseStream(services, req, res, start);
    } finally {
      release();
    }
  };
}
