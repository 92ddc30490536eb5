import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
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
  RevisionsUnsupportedError,
  type RevisionTurn,
  type TurnEnding,
  type TurnStart,
} from '../conversation-store.js';
import { streamingReply } from '../message-tree.js';
import { callRedis } from './redis-client.js';
import { conversationKeys, ownerIndexKey } from './redis-conversation-scripts.js';
import { scriptArgs } from './redis-scripts.js';

/** Options for {@link RedisConversationStore}. */
export interface RedisConversationStoreOptions {
  /** A conversation is dropped after this many seconds without activity. Defaults to 86400. */
  ttlS?: number;
  /**
   * Longest a turn keeps the conversation busy if nothing ends it, in seconds; set it above the
   * stream timeout. A last resort: the event log ends a dead producer's turn within seconds.
   * Defaults to 900.
   */
  turnTtlS?: number;
  /** Prepended to every key; the event log's must be the same (ending a stream ends its turn). Defaults to `ngx-chat:`. */
  prefix?: string;
}

/**
 * Conversations in Redis, shared by every API instance: a hash with the owner and a list of
 * messages (JSON), both expiring `ttlS` after the last turn, and a turn key held while a reply
 * streams.
 */
export class RedisConversationStore implements ConversationStore {
  private readonly ttlS: number;
  private readonly turnTtlS: number;
  private readonly prefix: string;

  /** @param client The shared client; the caller closes it after {@link close}. */
  constructor(
    private readonly client: Redis,
    options: RedisConversationStoreOptions = {},
  ) {
    this.ttlS = options.ttlS ?? 86_400;
    this.turnTtlS = options.turnTtlS ?? 900;
    this.prefix = options.prefix ?? 'ngx-chat:';
  }

  async get(conversationId: string): Promise<Conversation | undefined> {
    const keys = this.keys(conversationId);
    const [[owner, title], messages] = await callRedis(this.client, () =>
      Promise.all([this.client.hmget(keys.conversation, 'owner', 'title'), this.client.lrange(keys.messages, 0, -1)]),
    );
    if (owner === null) return undefined;
    return { conversationId, owner, title: title ?? '', messages: messages.map(parseMessage) };
  }

  async beginTurn(turn: TurnStart): Promise<ConversationMessage[]> {
    const keys = this.keys(turn.conversationId);
    const now = new Date().toISOString();
    const user: ConversationMessage = { id: turn.userMessageId ?? randomUUID(), role: 'user', content: turn.userMessage, status: 'completed', created_at: now };
    const assistant = streamingReply(turn, now);
    const args = [turn.owner, turn.streamId, JSON.stringify(user), JSON.stringify(assistant), this.ttlS, this.turnTtlS, titleFrom(turn.userMessage), Date.parse(now), now, turn.conversationId];
    const history = await callRedis(this.client, () => this.client.conversationBeginTurn(...scriptArgs([...keys.all, ownerIndexKey(this.prefix, turn.owner)], args)));
    if (history === null) throw new ConversationBusyError('A reply is still streaming in this conversation.');
    if (!Array.isArray(history)) throw new Error(`Unexpected reply from Redis to beginning a turn: ${JSON.stringify(history)}.`);
    return history.map(parseMessage);
  }

  async endTurn(conversationId: string, streamId: string, { content, parts, status }: TurnEnding): Promise<void> {
    const keys = this.keys(conversationId);
    await callRedis(this.client, () => this.client.conversationEndTurn(...scriptArgs(keys.all, [streamId, content, status, this.ttlS, parts ? JSON.stringify(parts) : ''])));
  }

  /**
   * The owner's index holds at most a page's worth more than asked for past the cursor; ids whose
   * conversation has expired are dropped from it as they are met.
   */
  async list(owner: string, limit: number, cursor?: ListCursor): Promise<ConversationPage> {
    const index = ownerIndexKey(this.prefix, owner);
    const max = cursor ? String(cursor.updatedAtMs) : '+inf';
    const ids = await callRedis(this.client, () => this.client.zrevrangebyscore(index, max, '-inf', 'LIMIT', 0, limit + 50));
    const rows = await callRedis(this.client, () =>
      Promise.all(ids.map((id) => this.client.hmget(this.keys(id).conversation, 'owner', 'title', 'created_at', 'updated_at'))),
    );
    const summaries: ConversationSummary[] = [];
    const gone: string[] = [];
    ids.forEach((conversationId, index_) => {
      const [rowOwner, title, createdAt, updatedAt] = rows[index_];
      if (rowOwner !== owner || !createdAt || !updatedAt) gone.push(conversationId);
      else summaries.push({ conversationId, title: title ?? '', createdAt, updatedAt });
    });
    if (gone.length > 0) await callRedis(this.client, () => this.client.zrem(index, ...gone));
    return pageOf(summaries.sort(newestFirst), limit, cursor);
  }

  async rate(conversationId: string, owner: string, messageId: string, feedback: MessageFeedback): Promise<{ agent: string } | undefined> {
    const keys = this.keys(conversationId);
    const agent = await callRedis(this.client, () => this.client.conversationRate(...scriptArgs([keys.conversation, keys.messages], [owner, messageId, JSON.stringify(feedback)])));
    return typeof agent === 'string' ? { agent } : undefined;
  }

  async revise(): Promise<RevisionTurn> {
    throw new RevisionsUnsupportedError();
  }

  async select(): Promise<boolean> {
    throw new RevisionsUnsupportedError();
  }

  async rename(conversationId: string, owner: string, title: string): Promise<boolean> {
    const keys = this.keys(conversationId);
    return (await callRedis(this.client, () => this.client.conversationRename(...scriptArgs([keys.conversation], [owner, title])))) === 1;
  }

  async remove(conversationId: string, owner: string): Promise<boolean> {
    const keys = this.keys(conversationId);
    return (await callRedis(this.client, () => this.client.conversationRemove(...scriptArgs([...keys.all, ownerIndexKey(this.prefix, owner)], [owner, conversationId])))) === 1;
  }

  /** Nothing to release: the client is shared and closed by its owner. */
  async close(): Promise<void> {}

  private keys(conversationId: string) {
    return conversationKeys(this.prefix, conversationId);
  }
}

function parseMessage(json: unknown): ConversationMessage {
  if (typeof json !== 'string') throw new Error(`Expected a message as JSON from Redis, got ${JSON.stringify(json)}.`);
  const message: ConversationMessage = JSON.parse(json);
  return message;
}
