import { randomUUID } from 'node:crypto';
import { HttpError, toHttpError } from '../http/errors.js';
import type { Services } from '../services.js';
import { STREAM_EVENT, type ErrorData } from '../../protocol/index.js';
import { ConversationBusyError, type ConversationMessage } from '../stores/conversation-store.js';
import type { StreamRecord } from '../stores/event-log.js';
import { StoreFullError } from '../stores/store-full-error.js';
import type { ChatRequest } from './chat-request.js';
import { isStreamId, parseEventId } from '../../protocol/index.js';
import { runStreamJob } from './stream-job.js';

/** Where a read starts: the stream, and the position after which events are sent. */
export interface ReadStart {
  record: StreamRecord;
  afterSeq: number;
  /** True for a resume from a last event id. */
  resumed: boolean;
}

/**
 * What both transports (SSE and WebSocket) do with a stream, whatever the wire: start one,
 * resume one from a last event id, stop one. Errors are {@link HttpError}s.
 */
export class StreamService {
  constructor(private readonly services: Services) {}

  /** The stream, when it exists and belongs to `owner`; 404 otherwise, so ids of others' streams leak nothing. */
  async findOwn(streamId: string, owner: string): Promise<StreamRecord> {
    const record = isStreamId(streamId) ? await this.services.events.get(streamId) : undefined;
    if (!record || record.owner !== owner) {
      throw new HttpError(404, 'stream_not_found', `The stream is no longer available (finished streams are kept ${this.services.config.streamRetentionS} s).`);
    }
    return record;
  }

  /** Where a resume from `lastEventId` starts. 400 for a malformed id, 404 for an unknown or foreign stream. */
  async resume(lastEventId: string, owner: string): Promise<ReadStart> {
    const position = parseEventId(lastEventId);
    if (!position) throw new HttpError(400, 'invalid_last_event_id', 'Last-Event-ID must be the id of an event this API sent.');
    const record = await this.findOwn(position.streamId, owner);
    this.services.metrics.resumes.inc();
    return { record, afterSeq: position.seq, resumed: true };
  }

  /**
   * Opens a stream and starts generating into it, or finds the stream an earlier request with the
   * same `request_id` opened (a retry that never saw an event attaches instead of generating twice).
   */
  async start(owner: string, chat: ChatRequest): Promise<ReadStart> {
    const { services } = this;
    if (services.draining) {
      throw new HttpError(503, 'draining', 'This server is shutting down; send the message again (it will reach another server).', { 'Retry-After': '1' });
    }
    const agent = services.orchestrator.agentFor(chat.metadata);
    if (!agent) throw new HttpError(400, 'unknown_agent', `"metadata.agent" must name one of the agents this API offers: ${services.orchestrator.names.join(', ')}.`);
    const attached = await this.admitOrAttach(owner, chat.requestId);
    if (attached) return attached;
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
    // The memory log refuses a stream whose new conversation finds no room (see createStores):
    // refused before it is opened, a retry with the same request_id starts afresh.
    const opened = await unlessFull(() => services.events.open(record));
    if (opened.kind === 'existing') return { record: await this.findOwn(opened.streamId, owner), afterSeq: 0, resumed: false };
    const replyId = randomUUID();
    const userMessageId = chat.revision?.kind === 'regenerate' ? undefined : randomUUID();
    let history: ConversationMessage[];
    let message = chat.message;
    try {
      const turn = { ...record, agent: agent.name, replyId, userMessageId };
      if (chat.revision) ({ history, userMessage: message } = await services.conversations.revise({ ...turn, revision: chat.revision }));
      else history = await services.conversations.beginTurn({ ...turn, userMessage: chat.message });
    } catch (err) {
      // The stream was opened for this request id; end it so a retry of the same request sees why.
      // (A full store gets here only when another request took the room the log checked for.)
      const answer = turnRefusal(err);
      const message = answer?.message ?? 'The conversation could not be saved.';
      await opened.writer.append(STREAM_EVENT.error, JSON.stringify({ error: message, conversation_id: record.conversationId, status: 'error', retryable: false } satisfies ErrorData));
      await opened.writer.close();
      throw answer ?? err;
    }
    services.metrics.started.inc();
    services.track(
      runStreamJob({
        record,
        replyId,
        userMessageId,
        writer: opened.writer,
        agent,
        history,
        message,
        metadata: chat.metadata,
        conversations: services.conversations,
        limits: { timeoutMs: services.config.streamTimeoutMs, maxChunks: services.config.maxReplyChunks, maxBytes: services.config.maxReplyBytes },
        chunkBuffer: { flushMs: services.config.chunkFlushMs, maxBytes: services.config.chunkMaxBytes },
        onShutdown: services.onShutdown,
        countTokens: (usage) => {
          services.metrics.modelTokens.inc({ agent: agent.name, direction: 'input' }, usage.input_tokens);
          services.metrics.modelTokens.inc({ agent: agent.name, direction: 'output' }, usage.output_tokens);
          return services.quotas.record(owner, usage);
        },
        log: services.log,
        metrics: services.metrics,
      }),
    );
    return { record, afterSeq: 0, resumed: false };
  }

  /**
   * Lets `owner` start a reply within the token quotas. A retry of a request that already has its
   * stream is not refused, even when that very reply spent the quota: it attaches to the stream,
   * as it would have without the quota.
   */
  private async admitOrAttach(owner: string, requestId: string | undefined): Promise<ReadStart | undefined> {
    try {
      await this.services.quotas.admit(owner);
      return undefined;
    } catch (refused) {
      const streamId = requestId === undefined ? undefined : await this.services.events.claimed(owner, requestId);
      if (streamId === undefined) throw refused;
      return { record: await this.findOwn(streamId, owner), afterSeq: 0, resumed: false };
    }
  }

  /** Stops `owner`'s stream (harmless on a finished one). */
  async stop(streamId: string, owner: string): Promise<void> {
    const record = await this.findOwn(streamId, owner);
    await this.services.events.stop(record.streamId);
  }
}

/** The answer to a turn the conversation store refused, or undefined for a failure of the store itself. */
function turnRefusal(err: unknown): HttpError | undefined {
  if (err instanceof ConversationBusyError) return new HttpError(409, 'conversation_busy', 'A reply is still streaming in this conversation; wait for it or stop it.');
  if (err instanceof StoreFullError) return refusal(err);
  return toHttpError(err);
}

/** The answer to a full store: 429 at the user's own bound, 503 `store_full` at the store's. */
function refusal(err: StoreFullError): HttpError {
  const headers = { 'Retry-After': String(err.retryAfterS) };
  return err.bound === 'user' ? new HttpError(429, 'too_many_conversations', err.message, headers) : new HttpError(503, 'store_full', err.message, headers);
}

/** Runs a store call, answering a {@link StoreFullError} with its {@link refusal}. */
async function unlessFull<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw err instanceof StoreFullError ? refusal(err) : err;
  }
}
