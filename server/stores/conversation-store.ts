import type { MessagePart } from '../../protocol/index.js';
import type { Revision } from './message-tree.js';
/** Where a message stands. */
export type MessageStatus = 'completed' | 'cancelled' | 'error' | 'streaming';

/** A reader's rating of a reply. */
export interface MessageFeedback {
  rating: 'up' | 'down';
  comment?: string;
  /** ISO 8601. */
  created_at: string;
}

/** One message of a conversation, as `GET /conversations/{id}` shows it. */
export interface ConversationMessage {
  /** Unique within the conversation (a UUID). Messages stored before ids existed have none. */
  id?: string;
  role: 'user' | 'assistant';
  content: string;
  status: MessageStatus;
  /** ISO 8601 time the message was created. */
  created_at: string;
  /** For assistant messages: the stream that produced it, so a client can reattach to it. */
  stream_id?: string;
  /** For a reply with steps: every part in order (`content` is its text alone). */
  parts?: MessagePart[];
  /** For an assistant message: the agent that wrote it. */
  agent?: string;
  /** For an assistant message: the reader's rating, the latest one. */
  feedback?: MessageFeedback;
  /** When the message has other versions (a regenerated reply, an edited message): which one this is, from 0, of how many. */
  versions?: { index: number; count: number };
}

/** How a reply ended: its text, its parts when it had steps, and its status. */
export interface TurnEnding {
  content: string;
  parts?: MessagePart[];
  status: Exclude<MessageStatus, 'streaming'>;
}

/** A conversation and its messages. */
export interface Conversation {
  conversationId: string;
  owner: string;
  /** From its first message (cut to {@link TITLE_LENGTH} characters), unless renamed. */
  title: string;
  messages: ConversationMessage[];
}

/** A conversation as its owner's list shows it. */
export interface ConversationSummary {
  conversationId: string;
  title: string;
  /** ISO 8601: when it began, and when a turn last began in it. */
  createdAt: string;
  updatedAt: string;
}

/** One page of an owner's conversations, newest first; `nextCursor` asks for the next. */
export interface ConversationPage {
  conversations: ConversationSummary[];
  nextCursor?: string;
}

/** Longest title, in characters: a first message is cut to it (with …), a rename refused past it. */
export const TITLE_LENGTH = 80;

/** The title a first message gives a conversation: its first line, cut to {@link TITLE_LENGTH}. */
export function titleFrom(message: string): string {
  const line = message.trim().split('\n')[0].trim().replace(/\s+/g, ' ');
  const chars = [...line];
  return chars.length <= TITLE_LENGTH ? line : `${chars.slice(0, TITLE_LENGTH - 1).join('')}…`;
}

/** Where a page of a list starts: after the conversation last active at `updatedAtMs` with this id. */
export interface ListCursor {
  updatedAtMs: number;
  conversationId: string;
}

/** The opaque `cursor` of `GET /conversations`. */
export function encodeCursor(cursor: ListCursor): string {
  return Buffer.from(JSON.stringify([cursor.updatedAtMs, cursor.conversationId])).toString('base64url');
}

/** The cursor a client sent back, or undefined when it is not one this API made. */
export function decodeCursor(text: string): ListCursor | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (Array.isArray(value) && typeof value[0] === 'number' && typeof value[1] === 'string') return { updatedAtMs: value[0], conversationId: value[1] };
  } catch {
    // Not base64url JSON.
  }
  return undefined;
}

/** Whether `summary` comes after `cursor` in the newest-first order (by activity, then id). */
export function isAfter(summary: ConversationSummary, cursor: ListCursor | undefined): boolean {
  if (!cursor) return true;
  const at = Date.parse(summary.updatedAt);
  return at < cursor.updatedAtMs || (at === cursor.updatedAtMs && summary.conversationId < cursor.conversationId);
}

/** Newest first: by activity, then by id, so pages never skip or repeat. */
export function newestFirst(a: ConversationSummary, b: ConversationSummary): number {
  return Date.parse(b.updatedAt) - Date.parse(a.updatedAt) || (a.conversationId < b.conversationId ? 1 : a.conversationId > b.conversationId ? -1 : 0);
}

/** A page of `sorted` summaries after `cursor`. */
export function pageOf(sorted: ConversationSummary[], limit: number, cursor: ListCursor | undefined): ConversationPage {
  const after = sorted.filter((summary) => isAfter(summary, cursor));
  const conversations = after.slice(0, limit);
  const last = conversations.at(-1);
  return after.length > limit && last ? { conversations, nextCursor: encodeCursor({ updatedAtMs: Date.parse(last.updatedAt), conversationId: last.conversationId }) } : { conversations };
}

/** Thrown by {@link ConversationStore.beginTurn} when another reply is still streaming. */
export class ConversationBusyError extends Error {
  override name = 'ConversationBusyError';
}

/** A new turn: the user's message and the assistant's reply that is about to stream. */
export interface TurnStart {
  conversationId: string;
  owner: string;
  streamId: string;
  userMessage: string;
  /** The agent that will write the reply. */
  agent?: string;
  /** The reply's message id; made up when absent. */
  replyId?: string;
  /** The user message's id; made up when absent. */
  userMessageId?: string;
}

/** A turn that regenerates the last reply, or replaces the last user message by a new version and answers it. */
export interface RevisionStart extends Omit<TurnStart, 'userMessage'> {
  revision: Revision;
}

/** What the agent answers in a revised turn: the messages before, and the user message. */
export interface RevisionTurn {
  history: ConversationMessage[];
  userMessage: string;
}

/**
 * Conversations, their messages and the one-reply-at-a-time rule. Implemented in SQL (PGlite or
 * PostgreSQL), in memory (tests) and in Redis (without versions), held to the same contract by
 * `test/server/stores/conversation-store.contract.ts`.
 */
export interface ConversationStore {
  /** The conversation, or undefined when it never existed or has expired. */
  get(conversationId: string): Promise<Conversation | undefined>;
  /**
   * Appends the user's message and a `streaming` assistant message, creating the conversation when
   * it does not exist, and returns the messages before this turn (the history for the agent).
   * @throws ConversationBusyError when a reply is already streaming in this conversation.
   * @throws StoreFullError (memory store) when a new conversation finds no room.
   */
  beginTurn(turn: TurnStart): Promise<ConversationMessage[]>;
  /**
   * Records how the assistant's reply ended and frees the conversation for the next message. The
   * first end counts: a reply that is no longer `streaming` stays as it is.
   */
  endTurn(conversationId: string, streamId: string, ending: TurnEnding): Promise<void>;
  /**
   * Begins a turn that regenerates the last reply or edits the last user message: the new version
   * goes beside the old one, which is kept, and becomes the one shown.
   * @throws ConversationBusyError when a reply is already streaming in this conversation.
   * @throws RevisionError when the conversation has no finished exchange, or the edit names another message.
   * @throws RevisionsUnsupportedError (Redis store).
   */
  revise(turn: RevisionStart): Promise<RevisionTurn>;
  /**
   * Shows version `index` of message `messageId` (and the newest thread below it) in `owner`'s
   * conversation; false when there is no conversation of theirs by that id.
   * @throws ConversationBusyError while a reply is streaming; RevisionError for an unknown message or version.
   */
  select(conversationId: string, owner: string, messageId: string, index: number): Promise<boolean>;
  /** One page of `owner`'s conversations, newest first. */
  list(owner: string, limit: number, cursor?: ListCursor): Promise<ConversationPage>;
  /** Renames `owner`'s conversation; false when there is none of theirs by that id. */
  rename(conversationId: string, owner: string, title: string): Promise<boolean>;
  /** Deletes `owner`'s conversation and its messages; false when there is none of theirs by that id. */
  remove(conversationId: string, owner: string): Promise<boolean>;
  /**
   * Rates an assistant message of `owner`'s conversation, replacing any earlier rating of it.
   * Returns the message's agent (for the metric), or undefined when there is no such reply of theirs.
   */
  rate(conversationId: string, owner: string, messageId: string, feedback: MessageFeedback): Promise<{ agent: string } | undefined>;
  /** Releases timers and connections. */
  close(): Promise<void>;
}

/** Thrown by a store that keeps no versions (Redis) when asked to regenerate, edit or select one. */
export class RevisionsUnsupportedError extends Error {
  override name = 'RevisionsUnsupportedError';

  constructor() {
    super('This server keeps conversations in Redis, which has no message versions; regenerate and edit need the SQL store (DATABASE_URL, or the embedded default).');
  }
}
