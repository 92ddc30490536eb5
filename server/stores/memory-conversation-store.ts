import {
  ConversationBusyError,
  type Conversation,
  type ConversationMessage,
  type ConversationStore,
  type MessageStatus,
  type TurnStart,
} from './conversation-store.js';

/** Options for {@link MemoryConversationStore}. */
export interface MemoryConversationStoreOptions {
  /** A conversation is dropped after this many seconds without activity. Defaults to 86400. */
  ttlS?: number;
  /** Most conversations kept; past it the least recently active is dropped. Defaults to 10000. */
  maxConversations?: number;
}

interface Entry {
  conversation: Conversation;
  expiresAt: number;
}

/** The in-process conversation store, the default when `REDIS_URL` is unset. */
export class MemoryConversationStore implements ConversationStore {
  // Kept in order of last activity (touched entries are re-inserted), so the first is the stalest.
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly maxConversations: number;

  constructor(options: MemoryConversationStoreOptions = {}) {
    this.ttlMs = (options.ttlS ?? 86_400) * 1000;
    this.maxConversations = options.maxConversations ?? 10_000;
  }

  async get(conversationId: string): Promise<Conversation | undefined> {
    const entry = this.live(conversationId);
    return entry ? { ...entry.conversation, messages: copyMessages(entry.conversation.messages) } : undefined;
  }

  async beginTurn(turn: TurnStart): Promise<ConversationMessage[]> {
    const entry = this.live(turn.conversationId) ?? this.create(turn.conversationId, turn.owner);
    const { messages } = entry.conversation;
    if (messages.some((message) => message.status === 'streaming')) {
      throw new ConversationBusyError('A reply is still streaming in this conversation.');
    }
    const history = copyMessages(messages);
    const now = new Date().toISOString();
    messages.push(
      { role: 'user', content: turn.userMessage, status: 'completed', created_at: now },
      { role: 'assistant', content: '', status: 'streaming', created_at: now, stream_id: turn.streamId },
    );
    this.touch(turn.conversationId, entry);
    return history;
  }

  async endTurn(conversationId: string, streamId: string, content: string, status: Exclude<MessageStatus, 'streaming'>): Promise<void> {
    const entry = this.live(conversationId);
    const message = entry?.conversation.messages.find((candidate) => candidate.stream_id === streamId);
    if (!entry || !message) return;
    message.content = content;
    message.status = status;
    this.touch(conversationId, entry);
  }

  async close(): Promise<void> {
    this.entries.clear();
  }

  private live(conversationId: string): Entry | undefined {
    const entry = this.entries.get(conversationId);
    if (entry && entry.expiresAt <= Date.now()) {
      this.entries.delete(conversationId);
      return undefined;
    }
    return entry;
  }

  private create(conversationId: string, owner: string): Entry {
    if (this.entries.size >= this.maxConversations) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
    return { conversation: { conversationId, owner, messages: [] }, expiresAt: 0 };
  }

  private touch(conversationId: string, entry: Entry): void {
    entry.expiresAt = Date.now() + this.ttlMs;
    this.entries.delete(conversationId);
    this.entries.set(conversationId, entry);
  }
}

/** Copies of the messages, so callers cannot change the stored ones (their fields are all strings). */
function copyMessages(messages: ConversationMessage[]): ConversationMessage[] {
  return messages.map((message) => ({ ...message }));
}
