
/**
 * The keys of one conversation. The event log's scripts use them too: whoever ends a stream —
 * its producer, or a reader or sweep that finds the producer dead — ends the reply in the
 * conversation in the same atomic step, so the two never disagree.
 */
export interface ConversationKeys {
  /** Hash: `owner`. */
  conversation: string;
  /** List of the messages, as JSON. */
  messages: string;
  /** Held while a reply streams: the one-reply-at-a-time rule. Its value is the stream id. */
  turn: string;
  /** `[conversation, messages, turn]`. */
  all: string[];
}

/** The sorted set of an owner's conversation ids, scored by when a turn last began in each (ms). */
export function ownerIndexKey(prefix: string, owner: string): string {
  return `${prefix}owner:${owner}:conversations`;
}

/** The keys of a conversation, under `prefix`. */
export function conversationKeys(prefix: string, conversationId: string): ConversationKeys {
  const conversation = `${prefix}conversation:${conversationId}`;
  const messages = `${conversation}:messages`;
  const turn = `${conversation}:turn`;
  return { conversation, messages, turn, all: [conversation, messages, turn] };
}

/**
 * Lua: `end_turn(conversation, messages, turn, stream_id, content, status, ttl, parts)` records how the
 * stream's reply ended (with `parts`, a table or nil, when the reply had steps) — only while it
 * is still `streaming`, so the first to end it wins and a
 * second ender (a producer presumed dead that was only slow) changes nothing — and frees the turn
 * if it is still this stream's. A `ttl` above 0 also renews the conversation's TTL.
 *
 * The message is found from the end (the reply is almost always the last message) by its
 * `"stream_id":"…"` text, which `JSON.stringify` and cjson both write without spaces, so only that
 * message is decoded. A message cjson cannot decode is left as it is; the turn is freed anyway.
 */
export const END_TURN_LUA = `
local function end_turn(conversation, messages, turn, stream_id, content, status, ttl, parts)
  local needle = '"stream_id":"' .. stream_id .. '"'
  local count = redis.call('LLEN', messages)
  for back = 1, count do
    local raw = redis.call('LINDEX', messages, -back)
    if string.find(raw, needle, 1, true) then
      local ok, message = pcall(cjson.decode, raw)
      if ok and message.stream_id == stream_id and message.status == 'streaming' then
        message.content = content
        message.status = status
        if parts then message.parts = parts end
        redis.call('LSET', messages, -back, cjson.encode(message))
      end
      break
    end
  end
  if redis.call('GET', turn) == stream_id then redis.call('DEL', turn) end
  if ttl > 0 and redis.call('EXISTS', conversation) == 1 then
    redis.call('EXPIRE', conversation, ttl)
    redis.call('EXPIRE', messages, ttl)
  end
end
`;

/**
 * KEYS conversation, messages, turn, owner index; ARGV owner, stream id, user JSON, assistant
 * JSON, TTL s, turn TTL s, title, now (ms), now (ISO), conversation id. The turn key (`SET NX`) is
 * the one-reply-at-a-time rule; taking it, reading the history, appending the turn and ranking
 * the conversation first in its owner's list happen in one step. Returns the history, or nil
 * when busy.
 */
export const BEGIN_TURN = `
if not redis.call('SET', KEYS[3], ARGV[2], 'NX', 'EX', ARGV[6]) then return false end
redis.call('HSETNX', KEYS[1], 'owner', ARGV[1])
redis.call('HSETNX', KEYS[1], 'title', ARGV[7])
redis.call('HSETNX', KEYS[1], 'created_at', ARGV[9])
redis.call('HSET', KEYS[1], 'updated_at', ARGV[9])
local history = redis.call('LRANGE', KEYS[2], 0, -1)
redis.call('RPUSH', KEYS[2], ARGV[3], ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[5])
redis.call('EXPIRE', KEYS[2], ARGV[5])
redis.call('ZADD', KEYS[4], ARGV[8], ARGV[10])
redis.call('EXPIRE', KEYS[4], ARGV[5])
return history
`;

/** KEYS conversation; ARGV owner, title. Renames the conversation if it is the owner's: 1, else 0. */
export const RENAME = `
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'title', ARGV[2])
return 1
`;

/** KEYS conversation, messages, turn, owner index; ARGV owner, conversation id. Deletes the owner's conversation: 1, else 0. */
export const REMOVE = `
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
redis.call('ZREM', KEYS[4], ARGV[2])
return 1
`;

/** KEYS conversation, messages, turn; ARGV stream id, content, status, TTL s, parts JSON ('' for none). See {@link END_TURN_LUA}. */
export const END_TURN = `${END_TURN_LUA}
local parts = nil
if ARGV[5] ~= '' then parts = cjson.decode(ARGV[5]) end
end_turn(KEYS[1], KEYS[2], KEYS[3], ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), parts)
return 1
`;

/**
 * KEYS conversation, messages; ARGV owner, message id, feedback JSON. Sets the feedback of the
 * owner's assistant message with that id (found from the end by its `"id":"…"` text, as
 * {@link END_TURN_LUA} finds a reply). Returns its agent ('' when unknown), or nil when there is
 * no such reply of the owner's.
 */
export const RATE = `
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return false end
local needle = '"id":"' .. ARGV[2] .. '"'
local count = redis.call('LLEN', KEYS[2])
for back = 1, count do
  local raw = redis.call('LINDEX', KEYS[2], -back)
  if string.find(raw, needle, 1, true) then
    local ok, message = pcall(cjson.decode, raw)
    if not ok or message.id ~= ARGV[2] or message.role ~= 'assistant' then return false end
    message.feedback = cjson.decode(ARGV[3])
    redis.call('LSET', KEYS[2], -back, cjson.encode(message))
    return message.agent or ''
  end
end
return false
`;
