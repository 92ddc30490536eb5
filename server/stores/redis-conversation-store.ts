import type { Redis } from 'ioredis';
import {
  ConversationBusyError,
  type Conversation,
  type ConversationMessage,
  type ConversationStore,
  type MessageStatus,
  type TurnStart,
} from './conversation-store.js';
import { callRedis, LuaScript } from './redis-client.js';

/** Options for {@link RedisConversationStore}. */
export interface RedisConversationStoreOptions {
  /** A conversation is dropped after this many seconds without activity. Defaults to 86400. */
  ttlS?: number;
  /**
   * Longest a turn keeps the conversation busy when its producer dies without ending it, in
   * seconds; set it above the stream timeout. Defaults to 900.
   */
  turnTtlS?: number;
  /** Prepended to every key. Defaults to `ngx-chat:`. */
  prefix?: string;
}

/**
 * KEYS conversation, messages, turn; ARGV owner, stream id, user JSON, assistant JSON, TTL s,
 * turn TTL s. The turn key (`SET NX`) is the one-reply-at-a-time rule; taking it, reading the
 * history and appending the turn happen in one step. Returns the history, or nil when busy.
 */
const BEGIN_TURN = new LuaScript(`
if not redis.call('SET', KEYS[3], ARGV[2], 'NX', 'EX', ARGV[6]) then return false end
redis.call('HSETNX', KEYS[1], 'owner', ARGV[1])
local history = redis.call('LRANGE', KEYS[2], 0, -1)
redis.call('RPUSH', KEYS[2], ARGV[3], ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[5])
redis.call('EXPIRE', KEYS[2], ARGV[5])
return history
`);

/**
 * KEYS conversation, messages, turn; ARGV stream id, index, message JSON as read ('' when it was
 * not found), as ended, TTL s. Replaces the assistant's message if it is still what was read, and
 * frees the turn if it is still this stream's.
 */
const END_TURN = new LuaScript(`
if ARGV[3] ~= '' and redis.call('LINDEX', KEYS[2], ARGV[2]) == ARGV[3] then
  redis.call('LSET', KEYS[2], ARGV[2], ARGV[4])
end
if redis.call('GET', KEYS[3]) == ARGV[1] then redis.call('DEL', KEYS[3]) end
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('EXPIRE', KEYS[1], ARGV[5])
  redis.call('EXPIRE', KEYS[2], ARGV[5])
end
return 1
`);

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
    const [owner, messages] = await callRedis(this.client, () =>
      Promise.all([this.client.hget(keys.conversation, 'owner'), this.client.lrange(keys.messages, 0, -1)]),
    );
    if (owner === null) return undefined;
    return { conversationId, owner, messages: messages.map(parseMessage) };
  }

  async beginTurn(turn: TurnStart): Promise<ConversationMessage[]> {
    const keys = this.keys(turn.conversationId);
    const now = new Date().toISOString();
    const user: ConversationMessage = { role: 'user', content: turn.userMessage, status: 'completed', created_at: now };
    const assistant: ConversationMessage = { role: 'assistant', content: '', status: 'streaming', created_at: now, stream_id: turn.streamId };
    const args = [turn.owner, turn.streamId, JSON.stringify(user), JSON.stringify(assistant), this.ttlS, this.turnTtlS];
    const history = await callRedis(this.client, () => BEGIN_TURN.run(this.client, keys.all, args));
    if (history === null) throw new ConversationBusyError('A reply is still streaming in this conversation.');
    if (!Array.isArray(history)) throw new Error(`Unexpected reply from Redis to beginning a turn: ${JSON.stringify(history)}.`);
    return history.map(parseMessage);
  }

  async endTurn(conversationId: string, streamId: string, content: string, status: Exclude<MessageStatus, 'streaming'>): Promise<void> {
    const keys = this.keys(conversationId);
    const raw = await callRedis(this.client, () => this.client.lrange(keys.messages, 0, -1));
    // Only one turn streams at a time, so the reply is almost always the last message.
    const index = raw.findLastIndex((json) => parseMessage(json).stream_id === streamId);
    const ended = index >= 0 ? JSON.stringify({ ...parseMessage(raw[index]), content, status }) : '';
    const args = [streamId, index, index >= 0 ? raw[index] : '', ended, this.ttlS];
    await callRedis(this.client, () => END_TURN.run(this.client, keys.all, args));
  }

  /** Nothing to release: the client is shared and closed by its owner. */
  async close(): Promise<void> {}

  private keys(conversationId: string) {
    const conversation = `${this.prefix}conversation:${conversationId}`;
    const messages = `${conversation}:messages`;
    const turn = `${conversation}:turn`;
    return { conversation, messages, all: [conversation, messages, turn] };
  }
}

function parseMessage(json: unknown): ConversationMessage {
  if (typeof json !== 'string') throw new Error(`Expected a message as JSON from Redis, got ${JSON.stringify(json)}.`);
  const message: ConversationMessage = JSON.parse(json);
  return message;
}
