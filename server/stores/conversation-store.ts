import type { MessagePart } from '../../protocol/index.js';
/** Where a message stands. */
export type MessageStatus = 'completed' | 'cancelled' | 'error' | 'streaming';

/** One message of a conversation, as `GET /conversations/{id}` shows it. */
export interface ConversationMessage {
  role: 'user' | 'assistant';
  content: string;
  status: MessageStatus;
  /** ISO 8601 time the message was created. */
  created_at: string;
  /** For assistant messages: the stream that produced it, so a client can reattach to it. */
  stream_id?: string;
  /** For a reply with steps: every part in order (`content` is its text alone). */
  parts?: MessagePart[];
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
  messages: ConversationMessage[];
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
}

/**
 * Conversations, their messages and the one-reply-at-a-time rule. Implemented in memory and in
 * Redis, held to the same contract by `test/server/stores/conversation-store.contract.ts`.
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
  /** Releases timers and connections. */
  close(): Promise<void>;
}
