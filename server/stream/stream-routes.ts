import { randomUUID } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { claimsOf } from '../auth/require-auth.js';
import { HttpError } from '../errors.js';
import { STREAM_EVENT, type ErrorData } from '../sse/protocol.js';
import { formatSseEvent } from '../sse/sse-frame.js';
import { openSseResponse, pipeEventsToResponse, type SseEvent } from '../sse/sse-response.js';
import { ConversationBusyError } from '../stores/conversation-store.js';
import type { StoredEvent, StreamRecord } from '../stores/event-log.js';
import type { Services } from '../services.js';
import { formatEventId, isStreamId, parseEventId } from './event-id.js';
import { parseChatRequest, type ChatRequest } from './chat-request.js';
import { runStreamJob } from './stream-job.js';

/** How long a client waits before reconnecting, sent as the stream's opening `retry:`. */
const RETRY_MS = 1000;

/**
 * `POST /stream/chat` (start a reply, or resume one with `Last-Event-ID`) and
 * `DELETE /stream/chat/{stream_id}` (stop one).
 */
export function streamRoutes(services: Services): Router {
  const router = Router();

  router.post('/stream/chat', async (req, res) => {
    const owner = claimsOf(req).sub;
    const lastEventId = req.get('last-event-id');
    if (lastEventId !== undefined) {
      const position = parseEventId(lastEventId);
      if (!position) throw new HttpError(400, 'invalid_last_event_id', 'Last-Event-ID must be the id of an event this API sent.');
      const record = await findOwnStream(services, position.streamId, owner);
      await sendStream(services, req, res, record, position.seq);
      return;
    }
    const chat = parseChatRequest(req, services.config.maxMessageLength);
    const record = await startStream(services, owner, chat);
    await sendStream(services, req, res, record, 0);
  });

  router.delete('/stream/chat/:streamId', async (req, res) => {
    const record = await findOwnStream(services, req.params.streamId, claimsOf(req).sub);
    await services.events.stop(record.streamId);
    res.status(204).end();
  });

  return router;
}

/** The stream, when it exists and belongs to `owner`; 404 otherwise, so ids of others' streams leak nothing. */
async function findOwnStream(services: Services, streamId: string, owner: string): Promise<StreamRecord> {
  const record = isStreamId(streamId) ? await services.events.get(streamId) : undefined;
  if (!record || record.owner !== owner) {
    throw new HttpError(404, 'stream_not_found', `The stream is no longer available (finished streams are kept ${services.config.streamRetentionS} s).`);
  }
  return record;
}

/**
 * Opens a stream and starts generating into it, or finds the stream an earlier request with the
 * same `request_id` opened (a retry that never saw an event attaches instead of generating twice).
 */
async function startStream(services: Services, owner: string, chat: ChatRequest): Promise<StreamRecord> {
  const agent = services.orchestrator.agentFor(chat.metadata);
  if (!agent) throw new HttpError(400, 'unknown_agent', `"metadata.agent" must name one of the agents this API offers: ${services.orchestrator.names.join(', ')}.`);
  if (chat.conversationId !== undefined) {
    const conversation = await services.conversations.get(chat.conversationId);
    if (!conversation || conversation.owner !== owner) {
      throw new HttpError(404, 'conversation_not_found', 'No conversation with that id; start a new one by leaving out "conversation_id".');
    }
  }
  const record: StreamRecord = {
    streamId: randomUUID(),
    owner,
    conversationId: chat.conversationId ?? randomUUID(),
    requestId: chat.requestId ?? randomUUID(),
    createdAt: Date.now(),
  };
  const opened = await services.events.open(record);
  if (opened.kind === 'existing') return findOwnStream(services, opened.streamId, owner);
  let history;
  try {
    history = await services.conversations.beginTurn({ ...record, userMessage: chat.message });
  } catch (err) {
    // The stream was opened for this request id; end it so a retry of the same request sees why.
    const busy = err instanceof ConversationBusyError;
    const message = busy ? 'A reply is still streaming in this conversation; wait for it or stop it.' : 'The conversation could not be saved.';
    await opened.writer.append(STREAM_EVENT.error, JSON.stringify({ error: message, conversation_id: record.conversationId, status: 'error' } satisfies ErrorData));
    await opened.writer.close();
    if (busy) throw new HttpError(409, 'conversation_busy', message);
    throw err;
  }
  services.track(
    runStreamJob({
      record,
      writer: opened.writer,
      agent,
      history,
      message: chat.message,
      metadata: chat.metadata,
      conversations: services.conversations,
      limits: { timeoutMs: services.config.streamTimeoutMs, maxChunks: services.config.maxReplyChunks, maxBytes: services.config.maxReplyBytes },
      chunkBuffer: { flushMs: services.config.chunkFlushMs, maxBytes: services.config.chunkMaxBytes },
      shutdownSignal: services.shutdownSignal,
      log: services.log,
    }),
  );
  return record;
}

/**
 * Answers with the stream's events after `afterSeq`, following it live to its end. A failure of
 * the log once the headers are out becomes an `error` event, never a torn stream.
 */
async function sendStream(services: Services, req: Request, res: Response, record: StreamRecord, afterSeq: number): Promise<void> {
  const closed = new AbortController();
  res.on('close', () => closed.abort());
  openSseResponse(req, res, RETRY_MS);
  let lastSeq = afterSeq;
  const toSse = async function* (batches: AsyncIterable<StoredEvent[]>): AsyncIterable<SseEvent[]> {
    for await (const batch of batches) {
      lastSeq = batch[batch.length - 1].seq;
      yield batch.map((event) => ({ event: event.event, data: event.data, id: formatEventId({ streamId: record.streamId, seq: event.seq }) }));
    }
  };
  const { heartbeatMs, readerStallMs } = services.config;
  try {
    await pipeEventsToResponse(res, toSse(services.events.read(record.streamId, afterSeq, closed.signal)), { heartbeatMs, stallMs: readerStallMs }, closed.signal);
  } catch (err) {
    services.log.error({ err, streamId: record.streamId }, 'reading the stream failed');
    const error: ErrorData = { error: 'The stream was interrupted; reconnect to resume it.', conversation_id: record.conversationId, status: 'error' };
    // The id repeats the last delivered one: resuming from it loses nothing.
    if (!res.writableEnded) res.write(formatSseEvent(STREAM_EVENT.error, JSON.stringify(error), formatEventId({ streamId: record.streamId, seq: lastSeq })));
  }
  res.end();
}
