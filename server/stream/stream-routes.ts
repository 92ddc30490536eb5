import type { Socket } from 'node:net';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { claimsOf } from '../auth/require-auth.js';
import type { Services } from '../services.js';
import { STREAM_EVENT, type ErrorData } from '../../protocol/index.js';
import { formatSseEvent } from '../sse/sse-frame.js';
import { openSseResponse, pipeEventsToResponse } from '../sse/sse-response.js';
import type { EventSink, StoredEvent } from '../stores/event-log.js';
import { parseChatRequest } from './chat-request.js';
import { formatEventId } from '../../protocol/index.js';
import { StreamService, type ReadStart } from './stream-service.js';

/** How long a client waits before reconnecting, sent as the stream's opening `retry:`. */
const RETRY_MS = 1000;

/**
 * `POST /stream/chat` (start a reply, or resume one with `Last-Event-ID`) and
 * `DELETE /stream/chat/{stream_id}` (stop one).
 */
export function streamRoutes(services: Services): Router {
  const router = Router();
  const streams = new StreamService(services);
  router.post('/stream/chat', streamChat(services, streams));
  router.delete('/stream/chat/:streamId', async (req, res) => {
    await streams.stop(req.params.streamId, claimsOf(req).sub);
    res.status(204).end();
  });

  return router;
}

/** `POST /stream/chat` after authentication: starts a reply, or resumes one with `Last-Event-ID`. */
export function streamChat(services: Services, streams = new StreamService(services)): RequestHandler {
  return async (req, res) => {
    const { sub: owner, net } = claimsOf(req);
    const release = services.openStreams.acquire(owner, net);
    try {
      const lastEventId = req.get('last-event-id');
      const start = lastEventId !== undefined ? await streams.resume(lastEventId, owner) : await streams.start(owner, parseChatRequest(req, services.config.maxMessageLength));
      await sendStream(services, req, res, start);
    } finally {
      release();
    }
  };
}

/**
 * Answers with the stream's events after `start.afterSeq`, following it live to its end. A
 * failure of the log once the headers are out becomes an `error` event, never a torn stream.
 */
async function sendStream(services: Services, req: Request, res: Response, start: ReadStart): Promise<void> {
  const { record } = start;
  const { metrics } = services;
  const closed = new AbortController();
  // Aborting makes a DOMException; only a connection that went away early needs it.
  res.on('close', () => {
    if (!res.writableFinished) closed.abort();
  });
  const socket: Socket | null = res.socket;
  const bytesBefore = socket?.bytesWritten ?? 0;
  const requestStarted = typeof res.locals.startedAt === 'number' ? res.locals.startedAt : performance.now();
  metrics.open.inc();
  openSseResponse(req, res);
  let lastSeq = start.afterSeq;
  const frame = (batch: StoredEvent[]): string => {
    if (lastSeq === start.afterSeq && !start.resumed) metrics.ttfb.observe((performance.now() - requestStarted) / 1000);
    lastSeq = batch[batch.length - 1].seq;
    let frames = '';
    for (const event of batch) {
      metrics.countEvent(event.event);
      frames += formatSseEvent(event.event, event.data, formatEventId({ streamId: record.streamId, seq: event.seq }));
    }
    return frames;
  };
  const { heartbeatMs, readerStallMs } = services.config;
  const follow = (sink: EventSink) => services.events.follow(record.streamId, start.afterSeq, sink, closed.signal);
  try {
    await pipeEventsToResponse(res, follow, frame, { retryMs: RETRY_MS, heartbeatMs, stallMs: readerStallMs }, closed.signal);
  } catch (err) {
    services.log.error({ err, streamId: record.streamId }, 'reading the stream failed');
    const error: ErrorData = { error: 'The stream was interrupted; reconnect to resume it.', conversation_id: record.conversationId, status: 'error', retryable: true };
    // The id repeats the last delivered one: resuming from it loses nothing.
    if (!res.writableEnded) res.write(formatSseEvent(STREAM_EVENT.error, JSON.stringify(error), formatEventId({ streamId: record.streamId, seq: lastSeq })));
  }
  res.end();
  metrics.open.dec();
  const encoding = String(res.getHeader('content-encoding') ?? 'identity');
  const countBytes = () => metrics.countWireBytes(encoding, Math.max(0, (socket?.bytesWritten ?? bytesBefore) - bytesBefore));
  if (res.writableFinished || !socket) countBytes();
  else res.once('finish', countBytes);
}
