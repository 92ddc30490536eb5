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
}

/** `event: chunk`: the next piece of the reply. */
export interface ChunkData {
  type: 'content';
  content: string;
  /** 0, 1, 2, … with no gaps. */
  chunk_index: number;
  /** True on the last chunk of a completed reply. */
  is_final: boolean;
}

/** `event: end`: the reply is complete, or was stopped. */
export interface EndData {
  conversation_id: string;
  status: 'completed' | 'cancelled';
  /** Assistant messages in the conversation, this reply included. */
  message_count: number;
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
