import { createHash } from 'node:crypto';
import type { StreamRecord } from '../event-log.js';
import { conversationKeys, END_TURN_LUA } from './redis-conversation-scripts.js';

/**
 * The keys of one stream. Its own keys share the hash tag `{<stream id>}`, so on a Redis Cluster
 * they live in one slot and one script can take them all. Every script that finishes a stream
 * takes {@link StreamKeys.all} as KEYS in this order, so the Lua below can name them by index.
 */
export interface StreamKeys {
  /** Hash: `record` (JSON) and, once the stream is over, `finished`. */
  info: string;
  /** Redis Stream of the events, entry id `0-<seq>`, fields `event` and `data`. */
  events: string;
  /** Set by the producer's heartbeat with a short TTL; gone means the producer is gone. */
  alive: string;
  /** Exists once someone asked the producer to stop. */
  stop: string;
  /** Sharded pub/sub channel (same slot) told the seq of each event logged: what wakes readers on other instances. */
  appended: string;
  /** The `(owner, request_id)` claim, whose value is the stream id. */
  request: string;
  /** Sorted set, shared by all streams, of the unfinished ones by when their heartbeat lapses: what the sweep looks through. */
  live: string;
  /** The conversation's keys, whose turn ends with the stream. */
  conversation: string;
  messages: string;
  turn: string;
  /**
   * One Redis: `[info, events, alive, stop, request, live, conversation, messages, turn]`, so a
   * script finishes the stream, its claim, the sweep's entry and the turn in one step. A Redis
   * Cluster: the stream's own four, in its slot; the log then does the rest as commands of their
   * own (see {@link SharedStreamKeys}), and conversations are kept in PostgreSQL.
   */
  all: string[];
}

/** The keys of a stream, from its id alone (all but the request claim and the conversation's). */
export function streamKeysById(prefix: string, streamId: string): Pick<StreamKeys, 'info' | 'events' | 'alive' | 'stop' | 'appended' | 'live'> {
  const base = `${prefix}stream:{${streamId}}`;
  return { info: base, events: `${base}:events`, alive: `${base}:alive`, stop: `${base}:stop`, appended: `${base}:appended`, live: liveStreamsKey(prefix) };
}

/** The `(owner, request_id)` claim's key, whose value is the id of the stream the request opened. */
export function requestKey(prefix: string, owner: string, requestId: string): string {
  // Hashed so that any owner or request id (colons, long strings) makes a fixed-size, unambiguous key.
  return `${prefix}request:${createHash('sha256').update(`${owner}\n${requestId}`).digest('hex')}`;
}

/** The sorted set of unfinished streams. */
export function liveStreamsKey(prefix: string): string {
  return `${prefix}streams:live`;
}

/** All the keys of a stream; `cluster` leaves the keys outside its slot out of {@link StreamKeys.all}. */
export function streamKeys(prefix: string, record: StreamRecord, cluster: boolean): StreamKeys {
  const { conversation, messages, turn } = conversationKeys(prefix, record.conversationId);
  const keys = { ...streamKeysById(prefix, record.streamId), request: requestKey(prefix, record.owner, record.requestId), conversation, messages, turn };
  const own = [keys.info, keys.events, keys.alive, keys.stop];
  return { ...keys, all: cluster ? own : [...own, keys.request, keys.live, conversation, messages, turn] };
}

/** Lua: Redis's clock in ms, the one clock every instance shares. */
const NOW_MS = `
local function now_ms()
  local time = redis.call('TIME')
  return tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end
`;

/**
 * Lua, for scripts given {@link StreamKeys.all}: `finish(stream_id, retention, name, data)` marks
 * the stream finished — its last event, named `name` with payload `data`, being its terminal one
 * — gives its keys the retention TTL, and ends its turn in the conversation with the text of its
 * chunks. That the finished flag only ever comes with a terminal event, and with the end of the
 * turn, is what lets no reader wait forever and no conversation stay busy.
 */
const FINISH = `${END_TURN_LUA}
-- The reply as logged: its text (the content chunks), and every part in order when it had
-- steps (tool calls, results, reasoning, sources), consecutive text merged; nil parts otherwise.
local function logged_reply()
  local texts, parts, run, steps = {}, {}, {}, false
  for _, entry in ipairs(redis.call('XRANGE', KEYS[2], '-', '+')) do
    if entry[2][2] == 'chunk' then
      local ok, chunk = pcall(cjson.decode, entry[2][4])
      if ok and chunk.type == 'content' then
        if type(chunk.content) == 'string' and chunk.content ~= '' then
          texts[#texts + 1] = chunk.content
          run[#run + 1] = chunk.content
        end
      elseif ok and type(chunk.type) == 'string' then
        steps = true
        if #run > 0 then parts[#parts + 1] = { type = 'text', text = table.concat(run) } end
        run = {}
        chunk.chunk_index = nil
        chunk.is_final = nil
        parts[#parts + 1] = chunk
      end
    end
  end
  if #run > 0 then parts[#parts + 1] = { type = 'text', text = table.concat(run) } end
  if not steps then parts = nil end
  return table.concat(texts), parts
end

local function outcome(name, data)
  if name ~= 'end' then return 'error' end
  local ok, ended = pcall(cjson.decode, data)
  if ok and ended.status == 'cancelled' then return 'cancelled' end
  return 'completed'
end

local function finish(stream_id, retention, name, data)
  redis.call('HSET', KEYS[1], 'finished', '1')
  redis.call('DEL', KEYS[3])
  for i = 1, 5 do
    if i ~= 3 and KEYS[i] then redis.call('EXPIRE', KEYS[i], retention) end
  end
  -- Only on one Redis: on a cluster the log does these, and conversations are elsewhere.
  if KEYS[6] then redis.call('ZREM', KEYS[6], stream_id) end
  if KEYS[7] then
    local text, parts = logged_reply()
    end_turn(KEYS[7], KEYS[8], KEYS[9], stream_id, text, outcome(name, data), 0, parts)
  end
end
`;

/** The error reply of a script that refuses to write to a stream someone else ended. */
export const ENDED_REPLY = 'ENDED';

/**
 * Lua, for scripts given {@link StreamKeys.all}: `written(seq, name, data)` is true when entry
 * `seq` is already that event (an earlier attempt whose reply was lost, in a timeout), false when
 * there is no entry `seq`; any other entry there means someone else ended the stream, and the
 * script fails with {@link ENDED_REPLY}. So a retried append never writes twice, and a producer
 * taken for dead never writes over the error that ended its stream.
 */
const WRITTEN = `
local function written(seq, name, data)
  local id = '0-' .. seq
  local entry = redis.call('XRANGE', KEYS[2], id, id)[1]
  if entry == nil then
    if redis.call('EXISTS', KEYS[1]) == 0 or redis.call('HEXISTS', KEYS[1], 'finished') == 1 then
      return redis.error_reply('${ENDED_REPLY} the stream was ended without this producer')
    end
    return false
  end
  if entry[2][2] == name and entry[2][4] == data then return true end
  return redis.error_reply('${ENDED_REPLY} event ' .. seq .. ' was written by someone else')
end
`;

/**
 * KEYS info, alive, and on one Redis request and live; ARGV stream id, record JSON, active TTL s,
 * heartbeat TTL ms. Returns the stream id that already holds the claim, or nil after opening the
 * stream. On a cluster the log has taken the claim, and enters the stream in the live set, itself.
 */
export const OPEN = `${NOW_MS}
if KEYS[3] then
  local existing = redis.call('GET', KEYS[3])
  if existing then return existing end
  redis.call('SET', KEYS[3], ARGV[1], 'EX', ARGV[3])
  redis.call('ZADD', KEYS[4], now_ms() + tonumber(ARGV[4]), ARGV[1])
end
redis.call('HSET', KEYS[1], 'record', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('SET', KEYS[2], '1', 'PX', ARGV[4])
return false
`;

/**
 * KEYS live; ARGV stream id, heartbeat TTL ms. Enters (or keeps) a stream in the live set until
 * its heartbeat lapses by this server's clock, the one the sweep's `LAPSED` reads: on a cluster,
 * where the live set is in another slot than the stream.
 */
export const LIVE = `${NOW_MS}
redis.call('ZADD', KEYS[1], now_ms() + tonumber(ARGV[2]), ARGV[1])
return 1
`;

/**
 * KEYS all; ARGV max length, active TTL s, appended channel, first seq, then the events' names and
 * data in turn. Appends non-terminal events with the explicit ids `0-<first seq>`, `0-<first seq
 * + 1>`, …, each once (see `written`), and tells the stream's readers on other instances (sharded
 * pub/sub, in the stream's slot) the last one's seq.
 */
export const APPEND = `${WRITTEN}
local first = tonumber(ARGV[4])
local seq = first - 1
for i = 5, #ARGV, 2 do
  seq = first + (i - 5) / 2
  local done = written(seq, ARGV[i], ARGV[i + 1])
  if type(done) == 'table' then return done end
  if not done then
    redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[1], '0-' .. seq, 'event', ARGV[i], 'data', ARGV[i + 1])
  end
end
redis.call('EXPIRE', KEYS[2], ARGV[2])
redis.call('SPUBLISH', ARGV[3], seq)
return 1
`;

/**
 * KEYS all; ARGV stream id, max length, seq, event, data, retention s, appended channel. Appends
 * the terminal event and finishes the stream in one step (see `finish`), once (see `written`).
 */
export const APPEND_TERMINAL = `${FINISH}${WRITTEN}
local done = written(ARGV[3], ARGV[4], ARGV[5])
if type(done) == 'table' then return done end
if not done then
  redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[2], '0-' .. ARGV[3], 'event', ARGV[4], 'data', ARGV[5])
  finish(ARGV[1], ARGV[6], ARGV[4], ARGV[5])
  redis.call('SPUBLISH', ARGV[7], ARGV[3])
end
return 1
`;

/**
 * KEYS all; ARGV stream id, heartbeat TTL ms, active TTL s. Returns -1 when the stream is already
 * over (a reader or sweep ended it, taking this producer for dead), else 1 when a stop was asked
 * for, else 0. On a cluster the log renews the claim and the live set's entry itself.
 */
export const HEARTBEAT = `${NOW_MS}
if redis.call('EXISTS', KEYS[1]) == 0 or redis.call('HEXISTS', KEYS[1], 'finished') == 1 then return -1 end
redis.call('SET', KEYS[3], '1', 'PX', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('EXPIRE', KEYS[2], ARGV[3])
if KEYS[5] then
  redis.call('EXPIRE', KEYS[5], ARGV[3])
  redis.call('ZADD', KEYS[6], now_ms() + tonumber(ARGV[2]), ARGV[1])
end
return redis.call('EXISTS', KEYS[4])
`;

/**
 * KEYS info, stop; ARGV active TTL s, channel, stream id. Does nothing to a finished or unknown
 * stream; otherwise sets the flag (read by the heartbeat, in case the message is missed) and
 * publishes the stream id so the producer's instance stops it at once.
 */
export const STOP = `
if redis.call('EXISTS', KEYS[1]) == 0 or redis.call('HEXISTS', KEYS[1], 'finished') == 1 then return 0 end
redis.call('SET', KEYS[2], '1', 'EX', ARGV[1])
redis.call('PUBLISH', ARGV[2], ARGV[3])
return 1
`;

/**
 * KEYS info, events, alive; ARGV first entry id, count. One atomic look at a stream:
 * `{exists, finished, alive, entries from the id on}`.
 */
export const SNAPSHOT = `
return {
  redis.call('EXISTS', KEYS[1]),
  redis.call('HEXISTS', KEYS[1], 'finished'),
  redis.call('EXISTS', KEYS[3]),
  redis.call('XRANGE', KEYS[2], ARGV[1], '+', 'COUNT', ARGV[2])
}
`;

/**
 * KEYS all; ARGV stream id, error data JSON, retention s, max length, "1" to require a dead
 * producer, appended channel. Ends an unfinished stream — with an `error` event at the next seq,
 * unless its last event is already terminal (written by an earlier version, which finished in a
 * second step) — and its turn, all in one step (see `finish`). With "1", only when the producer's
 * heartbeat is gone: so however many readers and sweeps notice at once, exactly one terminal event
 * is written. Returns the seq of the error it wrote; 0 when the stream was over, or is now over
 * without a new event (nothing left for the sweep); -1 when its producer is alive after all.
 */
export const ABANDON = `${FINISH}
if redis.call('EXISTS', KEYS[1]) == 0 or redis.call('HEXISTS', KEYS[1], 'finished') == 1 then
  if KEYS[6] then redis.call('ZREM', KEYS[6], ARGV[1]) end
  return 0
end
if ARGV[5] == '1' and redis.call('EXISTS', KEYS[3]) == 1 then return -1 end
local last = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1)
local seq = 1
if #last > 0 then
  local name = last[1][2][2]
  if name == 'end' or name == 'error' then
    finish(ARGV[1], ARGV[3], name, last[1][2][4])
    return 0
  end
  seq = tonumber(string.match(last[1][1], '^0%-(%d+)$')) + 1
end
redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[4], '0-' .. seq, 'event', 'error', 'data', ARGV[2])
finish(ARGV[1], ARGV[3], 'error', ARGV[2])
redis.call('SPUBLISH', ARGV[6], seq)
return seq
`;

/**
 * KEYS live; ARGV count. The ids of up to `count` unfinished streams whose heartbeat has lapsed
 * by Redis's clock: the producers the sweep should check on.
 */
export const LAPSED = `${NOW_MS}
return redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now_ms(), 'LIMIT', 0, ARGV[1])
`;
