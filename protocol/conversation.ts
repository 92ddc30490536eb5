/** `GET /conversations/{conversation_id}`: a conversation as its owner sees it. */
import type { ReplyStep } from './stream-events.js';

/** A piece of a reply in the order it streamed: its text, or a step (a tool call, its result…). */
export type MessagePart = { type: 'text'; text: string } | ReplyStep;

/** Where a message stands. */
export const MESSAGE_STATUS = {
  completed: 'completed',
  cancelled: 'cancelled',
  error: 'error',
  streaming: 'streaming',
} as const;

/** One of {@link MESSAGE_STATUS}. */
export type MessageStatus = (typeof MESSAGE_STATUS)[keyof typeof MESSAGE_STATUS];

/** Who wrote a message. */
export type MessageRole = 'user' | 'assistant';

/** A reader's rating of a reply (`POST /conversations/{id}/messages/{message_id}/feedback`). */
export interface FeedbackView {
  rating: 'up' | 'down';
  comment?: string;
  created_at: string;
}

/** One message of a conversation. */
export interface MessageView {
  /** The message's id, for feedback. */
  id?: string;
  role: MessageRole;
  content: string;
  status: MessageStatus;
  /** ISO 8601 time the message was created. */
  created_at: string;
  /** For assistant messages: the stream that produced it, so a client can reattach to it. */
  stream_id?: string;
  /** For a reply with steps (tool calls, reasoning, sources): all of it, in order; `content` is its text alone. */
  parts?: MessagePart[];
  /** For a reply the reader rated: the latest rating. */
  feedback?: FeedbackView;
  /**
   * On a message with other versions (a regenerated reply, an edited message): which one this is,
   * from 0, of how many; `POST …/messages/{id}/select` `{"index"}` shows another.
   */
  versions?: { index: number; count: number };
}

/** The body of `GET /conversations/{conversation_id}`, oldest message first. */
export interface ConversationView {
  conversation_id: string;
  title: string;
  messages: MessageView[];
}

/** One conversation in `GET /conversations`. */
export interface ConversationSummaryView {
  conversation_id: string;
  /** From its first message, unless renamed with `PATCH /conversations/{id}`. */
  title: string;
  /** ISO 8601: when it began, and when a turn last began in it. */
  created_at: string;
  updated_at: string;
}

/** The body of `GET /conversations?limit=&cursor=`: newest first; `next_cursor` fetches the next page. */
export interface ConversationListView {
  conversations: ConversationSummaryView[];
  next_cursor?: string;
}
