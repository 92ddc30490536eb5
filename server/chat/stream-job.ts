import type { Agent } from '../agents/agent.js';
import { AgentError } from '../agents/agent.js';
import { STREAM_EVENT, type EndData, type ErrorData, type MessagePart, type StartData, type StreamEventName, type TokenUsage } from '../../protocol/index.js';
import { ReplyProgress } from './reply-progress.js';
import { chunkJson } from './chunk-json.js';
import type { ConversationMessage, ConversationStore } from '../stores/conversation-store.js';
import type { StreamRecord, StreamWriter } from '../stores/event-log.js';
import type { Logger } from '../ops/logger.js';
import { STREAM_ERROR_REASON, type Metrics, type StreamErrorReason } from '../ops/metrics.js';
import { StoreUnavailableError, StreamEndedError } from '../stores/store-errors.js';
import { coalesceChunks, type ChunkBufferOptions } from './chunk-buffer.js';
import { estimateTokens } from './token-quotas.js';

/** Limits on one stream's generation. */
export interface StreamJobLimits {
  /** The reply is ended with an `error` event after this many ms. */
  timeoutMs: number;
  /** Most chunk events one reply may have. */
  maxChunks: number;
  /** Most bytes of content one reply may have. */
  maxBytes: number;
}

/** Everything one generation needs. */
export interface StreamJob {
  record: StreamRecord;
  /** The reply's message id in the conversation, told to readers in `start`. */
  replyId?: string;
  /** The id of the user message the turn added, told likewise; none for a regenerated reply. */
  userMessageId?: string;
  writer: StreamWriter;
  agent: Agent;
  /** The conversation before this turn, and the user's message. */
  history: ConversationMessage[];
  message: string;
  metadata: Record<string, unknown>;
  conversations: ConversationStore;
  limits: StreamJobLimits;
  /** How the agent's pieces are merged into chunk events. */
  chunkBuffer: ChunkBufferOptions;
  /** Registers what to do on shutdown; returns the function that unregisters it. */
  onShutdown(stop: () => void): () => void;
  /** Counts the reply's tokens, as the model reported them or estimated: metrics and quotas. */
  countTokens(usage: TokenUsage): Promise<void>;
  log: Logger;
  metrics: Metrics;
}

/** Why a generation was interrupted. */
const STOP_REASON = { cancelled: 'cancelled', timeout: 'timeout', shutdown: 'shutdown', tooLong: 'too_long' } as const;
type StopReason = (typeof STOP_REASON)[keyof typeof STOP_REASON];

class StopGeneration extends Error {
  constructor(readonly reason: StopReason) {
    super(reason);
  }
}

/**
 * Generates one reply into the event log: `start`, the agent's pieces as `chunk`s, then `end` —
 * or `error`. It runs to its end whatever happens to the HTTP connections reading the log, and
 * always leaves the log with a terminal event and the conversation free for the next message.
 */
export async function runStreamJob(job: StreamJob): Promise<void> {
  const { record, writer, limits } = job;
  const abort = new AbortController();
  const stopWith = (reason: StopReason) => () => abort.abort(new StopGeneration(reason));
  const timer = setTimeout(stopWith(STOP_REASON.timeout), limits.timeoutMs);
  const forgetStop = writer.onStop(stopWith(STOP_REASON.cancelled));
  // A remote log retries the appends it could not make until the stream times out; not past shutdown.
  const retry = new AbortController();
  const forgetShutdown = job.onShutdown(() => {
    retry.abort();
    stopWith(STOP_REASON.shutdown)();
  });

  const started = Date.now();
  const reply = new ReplyProgress();
  let outcome: 'completed' | 'cancelled' | 'error' = 'error';
  let errorReason: StreamErrorReason = STREAM_ERROR_REASON.agent;
  try {
    await appendJson(
      writer,
      STREAM_EVENT.start,
      {
        conversation_id: record.conversationId,
        status: 'processing',
        stream_id: record.streamId,
        request_id: record.requestId,
        ...(job.replyId ? { message_id: job.replyId } : {}),
        ...(job.userMessageId ? { user_message_id: job.userMessageId } : {}),
      } satisfies StartData,
      retry.signal,
    );
    await streamChunks(job, abort.signal, reply, retry.signal);
    await appendJson(writer, STREAM_EVENT.end, endData(job, 'completed', reply.usage), retry.signal);
    outcome = 'completed';
  } catch (err) {
    const reason = stopReasonOf(abort.signal, err);
    // The agent lets go of its work now: one still waiting on its model behind the chunk buffer
    // (after a reply grew too long) would otherwise hold the upstream connection open.
    abort.abort();
    outcome = reason === STOP_REASON.cancelled ? 'cancelled' : 'error';
    errorReason = errorReasonOf(reason, err);
    await writeFailure(job, reason, err, retry.signal).catch((failure: unknown) => {
      // Another instance took this producer for dead and has ended the stream, and the turn, already.
      if (!(failure instanceof StreamEndedError)) throw failure;
    });
  } finally {
    clearTimeout(timer);
    forgetStop();
    forgetShutdown();
    const content = reply.text();
    await finish(job, content, reply.parts(), outcome);
    await job.countTokens(reply.usage ?? estimatedUsage(job, content));
    countOutcome(job.metrics, outcome, errorReason, Date.now() - started);
    // Built only when it will be written: at LOG_LEVEL=warn a stream pays nothing for it.
    if (job.log.isLevelEnabled('info')) {
      job.log.info(
        { streamId: record.streamId, user: record.owner, outcome, chunks: reply.chunks, bytes: Buffer.byteLength(content), ms: Date.now() - started },
        'stream finished',
      );
    }
  }
}

/** A reply's tokens when the model reported none (the demo agent, a stopped reply, a provider without usage): from its characters. */
function estimatedUsage(job: StreamJob, reply: string): TokenUsage {
  const input = job.history.reduce((sum, message) => sum + estimateTokens(message.content), estimateTokens(job.message));
  return { input_tokens: input, output_tokens: estimateTokens(reply) };
}

/** The `stream_chat_error_total` reason for a failed generation. */
function errorReasonOf(stop: StopReason | undefined, cause: unknown): StreamErrorReason {
  switch (stop) {
    case STOP_REASON.timeout:
      return STREAM_ERROR_REASON.timeout;
    case STOP_REASON.shutdown:
      return STREAM_ERROR_REASON.shutdown;
    case STOP_REASON.tooLong:
      return STREAM_ERROR_REASON.tooLong;
    default:
      if (cause instanceof StoreUnavailableError) return STREAM_ERROR_REASON.store;
      if (cause instanceof StreamEndedError) return STREAM_ERROR_REASON.interrupted;
      return cause instanceof AgentError && cause.reason !== 'other' ? STREAM_ERROR_REASON.upstream : STREAM_ERROR_REASON.agent;
  }
}

function countOutcome(metrics: Metrics, outcome: 'completed' | 'cancelled' | 'error', reason: StreamErrorReason, ms: number): void {
  metrics.duration.observe(ms / 1000);
  if (outcome === 'completed') metrics.completed.inc();
  else if (outcome === 'cancelled') metrics.cancels.inc();
  else metrics.errors.inc({ reason });
}

/**
 * Appends the agent's output as `chunk` events — its text as `content` chunks, its steps as
 * chunks of their own type, in one `chunk_index` sequence — recording each in `reply` once
 * appended.
 *
 * A remote log's appends are not awaited one by one: the pieces an agent produces while one is on
 * its way go to Redis together (see RedisStreamWriter.append). Each is recorded in `reply` when it
 * lands, in order; the first failure stops the generation at the next piece, and fails the final
 * chunk.
 */
async function streamChunks(job: StreamJob, signal: AbortSignal, reply: ReplyProgress, retry: AbortSignal): Promise<void> {
  const { writer, limits } = job;
  let bytes = 0;
  let index = 0;
  let failure: { err: unknown } | undefined;
  const messages = [...job.history.map(({ role, content }) => ({ role, content })), { role: 'user' as const, content: job.message }];
  const output = job.agent.reply({ messages, metadata: job.metadata, user: job.record.owner, signal, onUsage: (usage) => (reply.usage = usage) });
  for await (const piece of coalesceChunks(output, job.chunkBuffer)) {
    signal.throwIfAborted();
    if (failure) throw failure.err;
    if (piece === '') continue;
    const data = typeof piece === 'string' ? chunkJson(piece, index, false) : JSON.stringify({ ...piece, chunk_index: index, is_final: false });
    bytes += typeof piece === 'string' ? Buffer.byteLength(piece) : data.length;
    if (index >= limits.maxChunks || bytes > limits.maxBytes) throw new StopGeneration(STOP_REASON.tooLong);
    index += 1;
    const appended = writer.append(STREAM_EVENT.chunk, data, retry);
    // The memory log appends at once, and a promise would only cost it a hop per chunk.
    if (appended instanceof Promise) {
      appended.then(
        () => reply.add(piece),
        (err: unknown) => {
          failure ??= { err };
        },
      );
    } else reply.add(piece);
  }
  signal.throwIfAborted();
  // The end is only known once the agent's iterator finishes, hence an empty final chunk. After a
  // chunk that failed, a remote log refuses it with that chunk's error.
  await writer.append(STREAM_EVENT.chunk, chunkJson('', index, true), retry);
}

/** The reason a generation was interrupted on purpose, or undefined for a plain failure. */
function stopReasonOf(signal: AbortSignal, err: unknown): StopReason | undefined {
  if (err instanceof StopGeneration) return err.reason;
  return signal.aborted && signal.reason instanceof StopGeneration ? signal.reason.reason : undefined;
}

function endData(job: StreamJob, status: EndData['status'], usage?: TokenUsage): EndData {
  const previous = job.history.filter((message) => message.role === 'assistant').length;
  const data: EndData = { conversation_id: job.record.conversationId, status, message_count: previous + 1 };
  if (usage) data.usage = usage;
  return data;
}

async function writeFailure(job: StreamJob, stop: StopReason | undefined, cause: unknown, retry: AbortSignal): Promise<void> {
  if (cause instanceof StreamEndedError) return;
  if (stop === STOP_REASON.cancelled) {
    await appendJson(job.writer, STREAM_EVENT.end, endData(job, 'cancelled'), retry);
    return;
  }
  if (stop === undefined && !(cause instanceof AgentError)) job.log.error({ err: cause, streamId: job.record.streamId }, 'agent failed');
  const error: ErrorData = { error: failureMessage(job, stop, cause), conversation_id: job.record.conversationId, status: 'error', retryable: false };
  await appendJson(job.writer, STREAM_EVENT.error, error, retry);
}

function failureMessage(job: StreamJob, stop: StopReason | undefined, cause: unknown): string {
  switch (stop) {
    case STOP_REASON.timeout:
      return `The stream timed out after ${job.limits.timeoutMs} ms.`;
    case STOP_REASON.shutdown:
      return 'The server is restarting; send your message again.';
    case STOP_REASON.tooLong:
      return `The reply exceeded the limit of ${job.limits.maxChunks} chunks or ${job.limits.maxBytes} bytes and was cut.`;
    default:
      return cause instanceof AgentError ? cause.message : 'The assistant failed to reply; try again.';
  }
}

async function appendJson(writer: StreamWriter, event: StreamEventName, data: object, retry: AbortSignal): Promise<void> {
  await writer.append(event, JSON.stringify(data), retry);
}

async function finish(job: StreamJob, content: string, parts: MessagePart[] | undefined, outcome: 'completed' | 'cancelled' | 'error'): Promise<void> {
  try {
    await job.conversations.endTurn(job.record.conversationId, job.record.streamId, { content, parts, status: outcome });
  } finally {
    await job.writer.close();
  }
}
