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

/**
 * A stored conversation, linked into the list of entries in order of last activity. With one
 * TTL for all, that is also the order they expire in, so the stalest is always at the front.
 */
interface Entry {
  conversation: Conversation;
  expiresAt: number;
  older: Entry | undefined;
  newer: Entry | undefined;
}

/** The in-process conversation store, the default when `REDIS_URL` is unset. */
export class MemoryConversationStore implements ConversationStore {
  private readonly entries = new Map<string, Entry>();
  /**
   * The ends of the activity list. A list rather than the Map's own order (delete and re-insert
   * on every touch): the stalest is found without walking the holes V8 leaves at the front of a
   * Map after deletes, and expired conversations are dropped from this end instead of lingering
   * until touched.
   */
  private stalest: Entry | undefined;
  private freshest: Entry | undefined;
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
    this.touch(entry);
    return history;
  }

  async endTurn(conversationId: string, streamId: string, content: string, status: Exclude<MessageStatus, 'streaming'>): Promise<void> {
    const entry = this.live(conversationId);
    const message = entry?.conversation.messages.find((candidate) => candidate.stream_id === streamId);
    if (!entry || message?.status !== 'streaming') return;
    message.content = content;
    message.status = status;
    this.touch(entry);
  }

  async close(): Promise<void> {
    this.entries.clear();
    this.stalest = undefined;
    this.freshest = undefined;
  }

  private live(conversationId: string): Entry | undefined {
    this.dropExpired();
    return this.entries.get(conversationId);
  }

  private create(conversationId: string, owner: string): Entry {
    if (this.entries.size >= this.maxConversations && this.stalest) this.drop(this.stalest);
    const entry: Entry = { conversation: { conversationId, owner, messages: [] }, expiresAt: 0, older: undefined, newer: undefined };
    this.entries.set(conversationId, entry);
    return entry;
  }

  /** Marks the entry active now: it moves to the fresh end of the list. */
  private touch(entry: Entry): void {
    entry.expiresAt = Date.now() + this.ttlMs;
    if (entry === this.freshest) return;
    this.unlink(entry);
    entry.older = this.freshest;
    if (this.freshest) this.freshest.newer = entry;
    else this.stalest = entry;
    this.freshest = entry;
  }

  private unlink(entry: Entry): void {
    if (entry.older) entry.older.newer = entry.newer;
    else if (this.stalest === entry) this.stalest = entry.newer;
    if (entry.newer) entry.newer.older = entry.older;
    else if (this.freshest === entry) this.freshest = entry.older;
    entry.older = undefined;
    entry.newer = undefined;
  }

  private drop(entry: Entry): void {
    this.unlink(entry);
    this.entries.delete(entry.conversation.conversationId);
  }

  /** Drops the conversations past their TTL, from the stale end. */
  private dropExpired(): void {
    const now = Date.now();
    while (this.stalest && this.stalest.expiresAt <= now) this.drop(this.stalest);
  }
}

/** Copies of the messages, so callers cannot change the stored ones (their fields are all strings). */
function copyMessages(messages: ConversationMessage[]): ConversationMessage[] {
  return messages.map((message) => ({ ...message }));
}
