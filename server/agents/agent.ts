import type { ConversationMessage } from '../stores/conversation-store.js';

/** What an agent is given to write one reply. */
export interface AgentInput {
  /** The conversation so far, oldest first, ending with the user's new message. */
  messages: Pick<ConversationMessage, 'role' | 'content'>[];
  /** The request's `metadata` object. */
  metadata: Record<string, unknown>;
  /** The `sub` of the user asking. */
  user: string;
  /** Fires on stop, on the stream timeout and on shutdown; the agent must stop promptly. */
  signal: AbortSignal;
}

/**
 * Writes replies. `reply` yields the text piece by piece as it is produced; throwing an
 * {@link AgentError} ends the stream with an `error` event carrying its message.
 */
export interface Agent {
  /** The name requests use in `metadata.agent`. */
  readonly name: string;
  reply(input: AgentInput): AsyncIterable<string>;
}

/** A failure an agent reports to the user; its message is shown in the `error` event. */
export class AgentError extends Error {
  override name = 'AgentError';
}
