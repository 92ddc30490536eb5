import type { Request, RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit, type Store } from 'express-rate-limit';
import { HttpError } from './errors.js';
import type { TokenClaims } from './auth/token-verifier.js';
import type { Logger } from './logger.js';
import type { Redis } from 'ioredis';
import { RedisStore, type RedisReply } from 'rate-limit-redis';

/** Per-minute limits (`RATE_LIMIT_PER_MINUTE`, `LOGIN_RATE_LIMIT_PER_MINUTE`, `GUEST_RATE_LIMIT_PER_MINUTE`). */
export interface RateLimitOptions {
  chatPerMinute: number;
  loginPerMinute: number;
  guestPerMinute: number;
  /** Makes a shared store (Redis) for a limiter, or undefined for the in-process one. */
  store?: (prefix: string) => Store;
  /** Where the limiter reports its store failing (it then lets requests through). */
  log?: Logger;
}

const WINDOW_MS = 60_000;

function limiter(limit: number, prefix: string, keyOf: (req: Request) => string, what: string, options: RateLimitOptions, skip?: (req: Request) => boolean): RequestHandler {
  return rateLimit({
    windowMs: WINDOW_MS,
    limit,
    // Only Retry-After on a 429: the RateLimit-* headers on every response cost about 5% of a
    // short reply's CPU (measured with bench workload a), and the widget needs none of them.
    standardHeaders: false,
    legacyHeaders: false,
    keyGenerator: keyOf,
    skip,
    store: options.store?.(prefix),
    // A limiter whose store fails lets requests through rather than taking the API down with it.
    passOnStoreError: true,
    ...(options.log ? { logger: limiterLogger(options.log) } : {}),
    handler: (_req, _res, next, limitOptions) => {
      const resetTime = (_req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const retryAfter = Math.max(1, Math.ceil(((resetTime?.getTime() ?? Date.now() + limitOptions.windowMs) - Date.now()) / 1000));
      next(new HttpError(429, 'rate_limited', `Too many ${what}; retry in ${retryAfter} s.`, { 'Retry-After': String(retryAfter) }));
    },
  });
}

function limiterLogger(log: Logger): { error: (err: unknown, message?: string) => void; warn: (err: unknown, message?: string) => void } {
  return {
    error: (err, message) => log.warn({ err }, message ?? 'rate limiter failed'),
    warn: (err, message) => log.warn({ err }, message ?? 'rate limiter warning'),
  };
}

const byIp = (req: Request) => ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? 'unknown');
const byUser = (req: Request) => `user:${(req as Request & { claims?: TokenClaims }).claims?.sub ?? byIp(req)}`;

/** Limits new messages per user (by the token's `sub`); resumes (with `Last-Event-ID`) do not count. */
export function chatRateLimit(options: RateLimitOptions): RequestHandler {
  return limiter(options.chatPerMinute, 'rl:chat:', byUser, 'messages', options, (req) => req.method !== 'POST' || req.headers['last-event-id'] !== undefined);
}

/** Limits password attempts per IP. */
export function loginRateLimit(options: RateLimitOptions): RequestHandler {
  return limiter(options.loginPerMinute, 'rl:login:', byIp, 'login attempts', options);
}

/** Limits guest tokens per IP. */
export function guestRateLimit(options: RateLimitOptions): RequestHandler {
  return limiter(options.guestPerMinute, 'rl:guest:', byIp, 'guest token requests', options);
}

/** No script has this SHA, so EVALSHA answers NOSCRIPT and RedisStore loads the script again. */
const UNLOADED_SCRIPT = '0'.repeat(40);

/**
 * RedisStore loads its scripts once, at start-up; if Redis is unreachable then, the rejected
 * load would fail every later request (and reject unhandled). Here a failed load just means
 * "not loaded yet": the first EVALSHA gets NOSCRIPT and RedisStore loads the script then.
 */
class ResilientRedisStore extends RedisStore {
  override async init(options: Parameters<RedisStore['init']>[0]): Promise<void> {
    this.windowMs = options.windowMs;
    this.incrementScriptSha = this.loadIncrementScript().catch(() => UNLOADED_SCRIPT);
    this.getScriptSha = this.loadGetScript().catch(() => UNLOADED_SCRIPT);
  }
}

/** Rate-limit counters in Redis, so that N instances enforce one limit. */
export function redisRateLimitStore(client: Redis): (prefix: string) => Store {
  return (prefix) =>
    new ResilientRedisStore({
      prefix,
      sendCommand: (command: string, ...args: string[]) => client.call(command, ...args) as Promise<RedisReply>,
    });
}
