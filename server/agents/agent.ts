import type { ReplyStep, TokenUsage } from '../../protocol/index.js';
import type { ConversationMessage } from '../stores/conversation-store.js';
import type { ToolBox } from '../tools/tool-box.js';

/** What an agent yields: a piece of the reply's text, or a step (a tool call, its result, reasoning, a source). */
export type AgentOutput = string | ReplyStep;

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
  /** The system prompt configured for this agent, if any; the orchestrator fills it in. */
  systemPrompt?: string;
  /** The tools this agent may call (its allow-list of the MCP servers' tools); none when absent. */
  tools?: ToolBox;
  /** Reports the model's tokens for the reply (called at most once, at its end). */
  onUsage?: (usage: TokenUsage) => void;
}

/**
 * Writes replies. `reply` yields the text piece by piece as it is produced, and its steps (tool
 * calls and results, reasoning, sources) where they happen; throwing an {@link AgentError} ends
 * the stream with an `error` event carrying its message.
 */
export interface Agent {
  /** The name requests use in `metadata.agent`. */
  readonly name: string;
  reply(input: AgentInput): AsyncIterable<AgentOutput>;
}

/**
 * Why an agent failed: a small fixed set, so failures can be counted by reason (and later
 * exported as a metric label) without unbounded cardinality.
 */
export const AGENT_FAILURE = {
  /** The provider refused the credentials (HTTP 401 or 403). */
  auth: 'auth',
  /** The provider is rate limiting (HTTP 429), after at most one short retry. */
  rateLimited: 'rate_limited',
  /** The provider failed (HTTP 5xx, or an error object inside the stream). */
  upstream: 'upstream_error',
  /** The provider refused the request (another HTTP 4xx: unknown model, prompt too long…). */
  rejected: 'rejected',
  /** The provider could not be reached, or dropped the connection mid-reply. */
  connection: 'connection',
  /** Nothing came before the first-token timeout. */
  firstTokenTimeout: 'first_token_timeout',
  /** The reply began, then went silent past the stall timeout. */
  stalled: 'stalled',
  /** The provider sent something that is not a Chat Completions event stream. */
  malformed: 'malformed',
  /** The reply was cut at the model's token limit (`finish_reason: "length"`). */
  truncated: 'truncated',
  /** The provider's content filter stopped the reply (`finish_reason: "content_filter"`). */
  filtered: 'filtered',
  /** Any other failure, including a bug in an agent. */
  other: 'other',
} as const;
export type AgentFailureReason = (typeof AGENT_FAILURE)[keyof typeof AGENT_FAILURE];

/**
 * A failure an agent reports to the user; its message is shown in the `error` event, so it says
 * what to do and never carries a credential.
 */
export class AgentError extends Error {
  override name = 'AgentError';

  /**
   * @param reason Which counter the failure adds to. Defaults to `other`.
   * @param detail What the provider said, for the server's log only: a provider's error can
   *   repeat the system prompt or the request, which the end user must not see.
   */
  constructor(
    message: string,
    readonly reason: AgentFailureReason = AGENT_FAILURE.other,
    readonly detail?: string,
  ) {
    super(message);
  }
}
