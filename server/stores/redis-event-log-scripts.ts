import { createHash } from 'node:crypto';
import type { StreamRecord } from './event-log.js';
import { LuaScript } from './redis-client.js';

/**
 * The keys of one stream. Every script that finishes a stream takes {@link StreamKeys.all} as
 * KEYS in this order, so the Lua below can name them by index.
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
  /** The `(owner, request_id)` claim, whose value is the stream id. */
  request: string;
  /** `[info, events, alive, stop, request]`. */
  all: string[];
}

/** The keys of a stream, from its id alone (all but the request claim). */
export function streamKeysById(prefix: string, streamId: string): Omit<StreamKeys, 'request' | 'all'> {
  const base = `${prefix}stream:${streamId}`;
  return { info: base, events: `${base}:events`, alive: `${base}:alive`, stop: `${base}:stop` };
}

/** All the keys of a stream. */
export function streamKeys(prefix: string, record: StreamRecord): StreamKeys {
  // Hashed so that any owner or request id (colons, long strings) makes a fixed-size, unambiguous key.
  const claim = createHash('sha256').update(`${record.owner}\n${record.requestId}`).digest('hex');
  const keys = { ...streamKeysById(prefix, record.streamId), request: `${prefix}request:${claim}` };
  return { ...keys, all: [keys.info, keys.events, keys.alive, keys.stop, keys.request] };
}

/** Marks the stream finished and gives every key but the heartbeat the retention TTL in ARGV[n]. */
const FINISH = `
local function finish(retention)
  redis.call('HSET', KEYS[1], 'finished', '1')
  redis.call('DEL', KEYS[3])
  for i = 1, #KEYS do
    if i ~= 3 then redis.call('EXPIRE', KEYS[i], retention) end
  end
end
`;

/**
 * KEYS request, info, alive; ARGV streamId, record JSON, active TTL s, heartbeat TTL ms.
 * Returns the stream id that already holds the claim, or nil after opening the stream.
 */
export const OPEN = new LuaScript(`
local existing = redis.call('GET', KEYS[1])
if existing then return existing end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3])
redis.call('HSET', KEYS[2], 'record', ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[3])
redis.call('SET', KEYS[3], '1', 'PX', ARGV[4])
return false
`);

/**
 * KEYS events; ARGV max length, entry id, event, data, active TTL s. The explicit id makes a
 * second append with the same seq fail, which is what keeps one producer and one interrupting
 * reader from both writing event n.
 */
export const APPEND = new LuaScript(`
local id = redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[1], ARGV[2], 'event', ARGV[3], 'data', ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[5])
return id
`);

/**
 * KEYS all; ARGV heartbeat TTL ms, active TTL s. Returns -1 when the stream is already over
 * (a reader declared it interrupted), else 1 when a stop was asked for, else 0.
 */
export const HEARTBEAT = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 or redis.call('HEXISTS', KEYS[1], 'finished') == 1 then return -1 end
redis.call('SET', KEYS[3], '1', 'PX', ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[2])
redis.call('EXPIRE', KEYS[5], ARGV[2])
return redis.call('EXISTS', KEYS[4])
`);

/** KEYS all; ARGV retention s. */
export const CLOSE = new LuaScript(`${FINISH}
finish(ARGV[1])
return 1
`);

/**
 * KEYS info, stop; ARGV active TTL s, channel, stream id. Does nothing to a finished or unknown
 * stream; otherwise sets the flag (read by the heartbeat, in case the message is missed) and
 * publishes the stream id so the producer's instance stops it at once.
 */
export const STOP = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 or redis.call('HEXISTS', KEYS[1], 'finished') == 1 then return 0 end
redis.call('SET', KEYS[2], '1', 'EX', ARGV[1])
redis.call('PUBLISH', ARGV[2], ARGV[3])
return 1
`);

/**
 * KEYS info, events, alive; ARGV first entry id, count. One atomic look at a stream:
 * `{exists, finished, alive, entries from the id on}`.
 */
export const SNAPSHOT = new LuaScript(`
return {
  redis.call('EXISTS', KEYS[1]),
  redis.call('HEXISTS', KEYS[1], 'finished'),
  redis.call('EXISTS', KEYS[3]),
  redis.call('XRANGE', KEYS[2], ARGV[1], '+', 'COUNT', ARGV[2])
}
`);

/**
 * KEYS all; ARGV error data JSON, retention s, max length. When the stream is unfinished and its
 * heartbeat is gone, appends the `error` event with the next seq and finishes the stream, all in
 * one step, so however many readers notice at once, exactly one terminal event is written.
 * Returns its seq, or 0 when there was nothing to do.
 */
export const INTERRUPT = new LuaScript(`${FINISH}
if redis.call('EXISTS', KEYS[1]) == 0 or redis.call('HEXISTS', KEYS[1], 'finished') == 1 or redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
local last = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1)
local seq = 1
if #last > 0 then
  -- The producer wrote its terminal event (end or error) but died before closing: just close.
  local name = last[1][2][2]
  if name == 'end' or name == 'error' then
    finish(ARGV[2])
    return 0
  end
  seq = tonumber(string.match(last[1][1], '^0%-(%d+)$')) + 1
end
redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[3], '0-' .. seq, 'event', 'error', 'data', ARGV[1])
finish(ARGV[2])
return seq
`);
