import { ActivityList, type ActivityNode } from './activity-list.js';
import {
  ConversationBusyError,
  newestFirst,
  pageOf,
  titleFrom,
  type Conversation,
  type ConversationMessage,
  type ConversationPage,
  type ConversationStore,
  type ConversationSummary,
  type ListCursor,
  type MessageFeedback,
  type RevisionStart,
  type RevisionTurn,
  type TurnEnding,
  type TurnStart,
} from '../conversation-store.js';
import { leafForVersion, RevisionError, shownPath, turnNodes, type TreeMessage, type TurnNodeInput } from '../message-tree.js';
import { StoreFullError } from '../store-full-error.js';

/** Options for {@link MemoryConversationStore}. */
export interface MemoryConversationStoreOptions {
  /** A conversation is dropped after this many seconds without activity. Defaults to 86400. */
  ttlS?: number;
  /** Most conversations kept; past it a new conversation is refused, and none is dropped for it. Defaults to 10000. */
  maxConversations?: number;
  /** Most conversations one owner keeps; past it their least recently active idle one is dropped. Defaults to 100. */
  maxConversationsPerUser?: number;
}

/** Longest `Retry-After` of a refusal: a client told to come back in a day would not. */
const MAX_RETRY_AFTER_S = 60;
/** `Retry-After` when every one of a user's conversations is busy: a turn ends within a stream's timeout, most within seconds. */
const BUSY_RETRY_AFTER_S = 5;

/** A conversation as stored: every message of its tree, and the leaf of the path it shows. */
interface StoredConversation extends Omit<Conversation, 'messages'> {
  messages: TreeMessage[];
  leafId: string | null;
}

/**
 * A stored conversation and its places in the activity lists. With one TTL for all, the order of
 * activity is also the order of expiry, so the stalest is always at the front.
 */
class Entry {
  expiresAt = 0;
  readonly createdAt = new Date().toISOString();
  /** When a turn last began in it. */
  updatedAt = this.createdAt;
  /** Its place among all conversations. */
  readonly everyone: ActivityNode<Entry>;
  /** Its place among its owner's. */
  readonly owners: ActivityNode<Entry>;

  constructor(
    readonly conversation: StoredConversation,
    everyone: ActivityList<Entry>,
    owners: ActivityList<Entry>,
  ) {
    this.everyone = everyone.add(this);
    this.owners = owners.add(this);
  }
}

/**
 * The in-process conversation store, the default when `REDIS_URL` is unset. It is bounded per
 * owner and in all, and one user's activity never drops another's conversation: at their own
 * bound a user's stalest idle conversation makes room, and at the store's bound a new
 * conversation is refused with {@link StoreFullError}. Expired conversations are dropped.
 */
export class MemoryConversationStore implements ConversationStore {
  private readonly entries = new Map<string, Entry>();
  private readonly everyone = new ActivityList<Entry>();
  /** Each owner's conversations, so making room for one costs no walk over the others'. */
  private readonly byOwner = new Map<string, ActivityList<Entry>>();
  private readonly ttlMs: number;
  private readonly maxConversations: number;
  private readonly maxPerUser: number;

  constructor(options: MemoryConversationStoreOptions = {}) {
    this.ttlMs = (options.ttlS ?? 86_400) * 1000;
    this.maxConversations = options.maxConversations ?? 10_000;
    this.maxPerUser = options.maxConversationsPerUser ?? 100;
  }

  async get(conversationId: string): Promise<Conversation | undefined> {
    const entry = this.live(conversationId);
    if (!entry) return undefined;
    const { messages, leafId, ...conversation } = entry.conversation;
    return { ...conversation, messages: shownPath(messages, leafId) };
  }

  /**
   * Checks that `owner` may have conversation `conversationId`: one that exists, or a new one
   * their bound and the store's leave room for. Synchronous, so the memory event log can ask
   * before it opens the conversation's stream (see `createStores`).
   * @throws StoreFullError when a new conversation would find no room.
   */
  checkRoom(owner: string, conversationId: string): void {
    if (!this.live(conversationId)) this.roomFor(owner);
  }

  async beginTurn(turn: TurnStart): Promise<ConversationMessage[]> {
    const entry = this.live(turn.conversationId) ?? this.create(turn.conversationId, turn.owner, titleFrom(turn.userMessage));
    return this.addTurn(entry, turn).history;
  }

  async revise(turn: RevisionStart): Promise<RevisionTurn> {
    const entry = this.live(turn.conversationId);
    if (!entry) throw new RevisionError('nothing_to_regenerate', 'The conversation has no reply to regenerate or message to edit yet.');
    const { history, userMessage } = this.addTurn(entry, turn);
    return { history, userMessage };
  }

  async select(conversationId: string, owner: string, messageId: string, index: number): Promise<boolean> {
    const entry = this.live(conversationId);
    if (entry?.conversation.owner !== owner) return false;
    if (turnInProgress(entry.conversation)) throw new ConversationBusyError('A reply is still streaming in this conversation.');
    entry.conversation.leafId = leafForVersion(entry.conversation.messages, messageId, index);
    return true;
  }

  /** Adds a turn's messages and makes its reply the leaf. */
  private addTurn(entry: Entry, turn: TurnNodeInput) {
    if (turnInProgress(entry.conversation)) throw new ConversationBusyError('A reply is still streaming in this conversation.');
    const now = new Date().toISOString();
    const nodes = turnNodes(entry.conversation.messages, entry.conversation.leafId, turn, now);
    entry.updatedAt = now;
    entry.conversation.messages.push(...nodes.added);
    entry.conversation.leafId = nodes.reply.id;
    this.touch(entry);
    return nodes;
  }

  async endTurn(conversationId: string, streamId: string, { content, parts, status }: TurnEnding): Promise<void> {
    const entry = this.live(conversationId);
    const message = entry?.conversation.messages.find((candidate) => candidate.stream_id === streamId);
    if (!entry || message?.status !== 'streaming') return;
    message.content = content;
    message.status = status;
    if (parts) message.parts = parts;
    this.touch(entry);
  }

  async list(owner: string, limit: number, cursor?: ListCursor): Promise<ConversationPage> {
    this.dropExpired();
    const summaries: ConversationSummary[] = [];
    for (let node = this.byOwner.get(owner)?.stalest; node; node = node.newer) {
      const { conversation, createdAt, updatedAt } = node.value;
      summaries.push({ conversationId: conversation.conversationId, title: conversation.title, createdAt, updatedAt });
    }
    return pageOf(summaries.sort(newestFirst), limit, cursor);
  }

  async rate(conversationId: string, owner: string, messageId: string, feedback: MessageFeedback): Promise<{ agent: string } | undefined> {
    const entry = this.live(conversationId);
    if (entry?.conversation.owner !== owner) return undefined;
    const message = entry.conversation.messages.find((candidate) => candidate.id === messageId && candidate.role === 'assistant');
    if (!message) return undefined;
    message.feedback = { ...feedback };
    return { agent: message.agent ?? '' };
  }

  async rename(conversationId: string, owner: string, title: string): Promise<boolean> {
    const entry = this.live(conversationId);
    if (entry?.conversation.owner !== owner) return false;
    entry.conversation.title = title;
    return true;
  }

  async remove(conversationId: string, owner: string): Promise<boolean> {
    const entry = this.live(conversationId);
    if (entry?.conversation.owner !== owner) return false;
    this.drop(entry);
    return true;
  }

  async close(): Promise<void> {
    for (const entry of this.entries.values()) this.drop(entry);
  }

  private live(conversationId: string): Entry | undefined {
    this.dropExpired();
    return this.entries.get(conversationId);
  }

  private create(conversationId: string, owner: string, title: string): Entry {
    const evicted = this.roomFor(owner);
    if (evicted) this.drop(evicted);
    let mine = this.byOwner.get(owner);
    if (!mine) this.byOwner.set(owner, (mine = new ActivityList()));
    const entry = new Entry({ conversationId, owner, title, messages: [], leafId: null }, this.everyone, mine);
    this.entries.set(conversationId, entry);
    return entry;
  }

  /**
   * What must go before `owner` may start a conversation: at their own bound, their stalest
   * conversation without a turn in progress (the walk passes only their busy ones); else nothing.
   * @throws StoreFullError when all of theirs are busy, or the store is at its bound.
   */
  private roomFor(owner: string): Entry | undefined {
    const mine = this.byOwner.get(owner);
    if (mine && mine.size >= this.maxPerUser) {
      for (let node = mine.stalest; node; node = node.newer) if (!turnInProgress(node.value.conversation)) return node.value;
      throw new StoreFullError('user', `All your ${mine.size} conversations have a reply in progress; wait for one to end, or stop one.`, BUSY_RETRY_AFTER_S);
    }
    if (this.entries.size < this.maxConversations) return undefined;
    // Room comes back when the stalest conversation expires.
    const stalest = this.everyone.stalest?.value.expiresAt ?? 0;
    const retryAfterS = Math.min(MAX_RETRY_AFTER_S, Math.max(1, Math.ceil((stalest - Date.now()) / 1000)));
    throw new StoreFullError('store', 'This server holds as many conversations as it can; continue an existing one, or try again later.', retryAfterS);
  }

  /** Marks the entry active now: it moves to the fresh end of both lists. */
  private touch(entry: Entry): void {
    entry.expiresAt = Date.now() + this.ttlMs;
    this.everyone.touch(entry.everyone);
    this.byOwner.get(entry.conversation.owner)?.touch(entry.owners);
  }

  private drop(entry: Entry): void {
    const { owner, conversationId } = entry.conversation;
    this.everyone.remove(entry.everyone);
    const mine = this.byOwner.get(owner);
    mine?.remove(entry.owners);
    if (mine?.size === 0) this.byOwner.delete(owner);
    this.entries.delete(conversationId);
  }

  /** Drops the conversations past their TTL, from the stale end. */
  private dropExpired(): void {
    const now = Date.now();
    for (let node = this.everyone.stalest; node && node.value.expiresAt <= now; node = this.everyone.stalest) this.drop(node.value);
  }
}

/** Whether a reply is still streaming: only the newest message can be, since a turn waits for the one before. */
function turnInProgress(conversation: StoredConversation): boolean {
  return conversation.messages.at(-1)?.status === 'streaming';
}
