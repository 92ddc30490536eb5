import { MESSAGE_STATUS, type MessageStatus, type ReplyStep } from '../../protocol/index.js';
import type { MarkdownView } from '../render/markdown-view.js';

/** What the widget is doing, as reported by `ngx-chat-status`. */
export const CHAT_STATUS = {
  /** Nothing in flight. */
  idle: 'idle',
  /** A request is on its way and no event has arrived yet. */
  connecting: 'connecting',
  /** A reply is arriving. */
  streaming: 'streaming',
  /** The connection broke; the widget is waiting to resume the reply. */
  reconnecting: 'reconnecting',
} as const;

/** One of the {@link CHAT_STATUS} values. */
export type ChatStatus = (typeof CHAT_STATUS)[keyof typeof CHAT_STATUS];

/** Where one message stands, as the API says it (`cancelled`: stopped; the partial reply stays). */
export { MESSAGE_STATUS, type MessageStatus };

/** A message as the widget shows it. */
export interface ChatMessage {
  /** Local key, unique within the element. */
  key: number;
  role: 'user' | 'assistant';
  /** The text applied so far (Markdown for assistant messages). */
  text: string;
  /** When it was written: ISO 8601, the API's `created_at` once it is known. */
  createdAt: string;
  status: MessageStatus;
  /** The rendered Markdown of an assistant message. */
  view?: MarkdownView;
  /** The localized explanation shown under a failed message. */
  note?: string;
  /** The message's id at the API, once known (a reply's comes with `start`). */
  id?: string;
  /** The reader's rating of a reply. */
  feedback?: 'up' | 'down';
  /** Whether the optional comment after 👎 is being written. */
  commenting?: boolean;
  /** When it has other versions (a regenerated reply, an edited message): which one, from 0, of how many. */
  versions?: { index: number; count: number };
  /** Whether the reader is editing it (the last message they sent). */
  editing?: boolean;
  /** What the agent did on the way (tool calls and results, reasoning, sources), in order; a new array on each change. */
  steps?: ReplyStep[];
}
