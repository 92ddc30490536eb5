import type { ClientContext, Result } from 'ioredis';
import { BEGIN_TURN, END_TURN, RATE, REMOVE, RENAME } from './redis-conversation-scripts.js';
import { ABANDON, APPEND, APPEND_TERMINAL, HEARTBEAT, LAPSED, LIVE, OPEN, SNAPSHOT, STOP } from './redis-event-log-scripts.js';

/**
 * The stores' Lua scripts, as ioredis commands (the client's `scripts` option, which its
 * duplicates share): ioredis sends each by its SHA1 and loads it on NOSCRIPT, after a restart
 * that emptied the script cache too. Each takes its key count first, then the keys, then the
 * arguments: see {@link scriptArgs}.
 */
export const REDIS_SCRIPTS = {
  streamOpen: { lua: OPEN },
  streamLive: { lua: LIVE },
  streamAppend: { lua: APPEND },
  streamAppendTerminal: { lua: APPEND_TERMINAL },
  streamHeartbeat: { lua: HEARTBEAT },
  streamStop: { lua: STOP },
  streamSnapshot: { lua: SNAPSHOT },
  streamAbandon: { lua: ABANDON },
  streamsLapsed: { lua: LAPSED },
  conversationBeginTurn: { lua: BEGIN_TURN },
  conversationEndTurn: { lua: END_TURN },
  conversationRename: { lua: RENAME },
  conversationRemove: { lua: REMOVE },
  conversationRate: { lua: RATE },
} as const;

/** A script command's arguments: the number of keys, the keys, then ARGV. */
export function scriptArgs(keys: readonly string[], args: ReadonlyArray<string | number>): [number, ...Array<string | number>] {
  return [keys.length, ...keys, ...args];
}

type ScriptCommand<Context extends ClientContext> = (numberOfKeys: number, ...keysAndArgs: Array<string | number>) => Result<unknown, Context>;

declare module 'ioredis' {
  // The commands REDIS_SCRIPTS defines on every client createRedisClient makes.
  interface RedisCommander<Context> {
    streamOpen: ScriptCommand<Context>;
    streamLive: ScriptCommand<Context>;
    streamAppend: ScriptCommand<Context>;
    streamAppendTerminal: ScriptCommand<Context>;
    streamHeartbeat: ScriptCommand<Context>;
    streamStop: ScriptCommand<Context>;
    streamSnapshot: ScriptCommand<Context>;
    streamAbandon: ScriptCommand<Context>;
    streamsLapsed: ScriptCommand<Context>;
    conversationBeginTurn: ScriptCommand<Context>;
    conversationEndTurn: ScriptCommand<Context>;
    conversationRename: ScriptCommand<Context>;
    conversationRemove: ScriptCommand<Context>;
    conversationRate: ScriptCommand<Context>;
  }
}
