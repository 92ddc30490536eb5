/**
 * The events of a stream, on either transport (`POST /stream/chat` as SSE, `/ws/chat` as JSON
 * messages): their names and payloads, as the API writes them and the widget reads them.
 *
 * A stream is one `start`, zero or more `chunk`, then one `end` — or an `error` instead of the rest.
 */

/** The four event names, as they appear in the `event:` field. */
export const STREAM_EVENT = {
  start: 'start',
  chunk: 'chunk',
  end: 'end',
  error: 'error',
} as const;

/** One of the four event names. */
export type StreamEventName = (typeof STREAM_EVENT)[keyof typeof STREAM_EVENT];

/** `event: start`: the reply is being generated. */
export interface StartData {
  conversation_id: string;
  status: 'processing';
  /** Id of this stream, for `DELETE /stream/chat/{stream_id}`. */
  stream_id: string;
  /** The client's `request_id`, or one the server made up. */
  request_id: string;
  /** The id the reply will have in the conversation (for feedback). An addition to the design's payload. */
  message_id?: string;
  /** The id of the user message this turn added (none when a reply is regenerated): to edit it later. */
  user_message_id?: string;
}

/** The `type` of each kind of chunk. A client ignores types it does not know. */
export const CHUNK_TYPE = {
  content: 'content',
  toolCall: 'tool_call',
  toolResult: 'tool_result',
  reasoning: 'reasoning',
  source: 'source',
} as const;

/** The agent called a tool; its result follows in a `tool_result` with the same `tool_call_id`. */
export interface ToolCallStep {
  type: typeof CHUNK_TYPE.toolCall;
  tool_call_id: string;
  /** The tool's name, as its server declares it (`search_products`). */
  name: string;
  /** A name for people, when the tool declares one (`Search products`). */
  title?: string;
  arguments: Record<string, unknown>;
}

/** A tool's answer to a `tool_call`. */
export interface ToolResultStep {
  type: typeof CHUNK_TYPE.toolResult;
  tool_call_id: string;
  name: string;
  /** `error` when the tool failed or timed out: `content` then says why, and the agent went on. */
  status: 'ok' | 'error';
  /** The tool's output as text, capped. */
  content: string;
}

/**
 * The model's reasoning, for models that stream it (when the agent enables it): gathered into
 * one step, sent when the reasoning ends, before whatever follows it.
 */
export interface ReasoningStep {
  type: typeof CHUNK_TYPE.reasoning;
  content: string;
  /** How long the model reasoned, in whole seconds ("Thought for N s"). */
  seconds?: number;
}

/** A source the model cites, when the provider returns them. */
export interface SourceStep {
  type: typeof CHUNK_TYPE.source;
  url: string;
  title?: string;
}

/** What an agent did on the way to its reply, beside its text. */
export type ReplyStep = ToolCallStep | ToolResultStep | ReasoningStep | SourceStep;

/** Where a chunk stands in its reply. */
interface ChunkPosition {
  /** 0, 1, 2, … with no gaps, over every type of chunk. */
  chunk_index: number;
  /** True on the last chunk of a completed reply (always an empty `content` chunk). */
  is_final: boolean;
}

/** A piece of the reply's text. */
export interface ContentChunk extends ChunkPosition {
  type: typeof CHUNK_TYPE.content;
  content: string;
}

/** `event: chunk`: the next piece of the reply — text, or a step. */
export type ChunkData = ContentChunk | (ReplyStep & ChunkPosition);

/** Tokens the model used for a reply, as its provider reported them (or estimated from characters). */
export interface TokenUsage {
  input_tokens: number;
  output_tokens: number;
}

/** `event: end`: the reply is complete, or was stopped. */
export interface EndData {
  conversation_id: string;
  status: 'completed' | 'cancelled';
  /** Assistant messages in the conversation, this reply included. */
  message_count: number;
  /** The model's tokens for this reply, when known. */
  usage?: TokenUsage;
}

/** `event: error`: the reply failed; nothing follows. */
export interface ErrorData {
  error: string;
  conversation_id: string;
  status: 'error';
  /**
   * True when reading again from the last event id may still complete the reply (the
   * connection or the reading failed, not the generation); false when the reply itself failed
   * and only sending the message again helps. An addition to the design's payload: clients
   * that do not know it ignore it.
   */
  retryable: boolean;
}

/** An event with its payload, before it gets an id. */
export type StreamEvent =
  | { event: typeof STREAM_EVENT.start; data: StartData }
  | { event: typeof STREAM_EVENT.chunk; data: ChunkData }
  | { event: typeof STREAM_EVENT.end; data: EndData }
  | { event: typeof STREAM_EVENT.error; data: ErrorData };

/** True for the events after which a stream has nothing more to say. */
export function isTerminal(event: StreamEventName): boolean {
  return event === STREAM_EVENT.end || event === STREAM_EVENT.error;
}

/** Longest `id:` field the API writes. */
export const MAX_EVENT_ID_LENGTH = 128;
