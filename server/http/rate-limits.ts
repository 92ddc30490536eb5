import type { Request, RequestHandler } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { TokenClaims } from '../auth/token-verifier.js';
import { HttpError } from './errors.js';
import type { Logger } from '../ops/logger.js';

/** What one limiter counts: `points` hits per key in a fixed window of `durationS`, its keys under `prefix`. */
export interface CounterSettings {
  prefix: string;
  points: number;
  durationS: number;
}

/** Makes the counters of one limiter: {@link memoryCounters}, or {@link redisCounters} across instances. */
export type RateLimitCounters = (settings: CounterSettings) => RateLimiterAbstract;

/** Per-minute limits (`LOGIN_RATE_LIMIT_PER_MINUTE`, `GUEST_RATE_LIMIT_PER_MINUTE`). */
export interface RateLimitOptions {
  loginPerMinute: number;
  guestPerMinute: number;
  /** Where the counts live. Defaults to {@link memoryCounters}. */
  counters?: RateLimitCounters;
  /** Where a limiter reports an unexpected failure (it then lets the request through). */
  log?: Logger;
}

const WINDOW_MS = 60_000;

/** What a {@link RateLimit} counts, and where. */
export interface RateLimitSettings {
  /** Hits allowed per key per window. */
  limit: number;
  /** Prefix of its keys, so limiters sharing a Redis count apart: `rl:chat`, `rl:login`. */
  prefix: string;
  /** What is counted, in the 429's message: "messages", "login attempts". */
  what: string;
  /** Where the counts live. Defaults to {@link memoryCounters}. */
  counters?: RateLimitCounters;
  /** How long a window lasts, in ms. Defaults to a minute. */
  windowMs?: number;
  /** Where an unexpected failure of the counters is reported. */
  log?: Logger;
}

/** Counts in this process. */
export const memoryCounters: RateLimitCounters = ({ prefix, points, durationS }) => new RateLimiterMemory({ keyPrefix: prefix, points, duration: durationS });

/**
 * Counts in Redis, so that N instances enforce one limit. While Redis is unreachable each instance
 * counts on in memory (rate-limiter-flexible's insurance limiter): a limit per instance rather than
 * none, which is what an outage would otherwise hand a password guesser.
 */
export function redisCounters(client: Redis): RateLimitCounters {
  return (settings) =>
    new RateLimiterRedis({
      storeClient: client,
      keyPrefix: settings.prefix,
      points: settings.points,
      duration: settings.durationS,
      // The shared client fails fast while disconnected; this skips even that attempt.
      rejectIfRedisNotReady: true,
      insuranceLimiter: memoryCounters(settings),
    });
}

/**
 * A fixed window per key, counted by rate-limiter-flexible. Not its middleware: the count is one
 * call, and the 429 is this API's JSON error with `Retry-After`.
 */
export class RateLimit {
  private readonly counts: RateLimiterAbstract;

  constructor(private readonly settings: RateLimitSettings) {
    const counters = settings.counters ?? memoryCounters;
    this.counts = counters({ prefix: settings.prefix, points: settings.limit, durationS: Math.ceil((settings.windowMs ?? WINDOW_MS) / 1000) });
  }

  /**
   * Counts one hit for `key`. Counters that fail outright (they have a fallback, so only a bug
   * does) let the hit through rather than taking the API down with them.
   * @throws HttpError 429 `rate_limited` (with `Retry-After`) past the limit.
   */
  async hit(key: string): Promise<void> {
    try {
      await this.counts.consume(key);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) {
        this.settings.log?.warn({ err: rejection }, 'rate-limit counters failed; request let through');
        return;
      }
      const retryAfter = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw new HttpError(429, 'rate_limited', `Too many ${this.settings.what}; retry in ${retryAfter} s.`, { 'Retry-After': String(retryAfter) });
    }
  }
}

/** A middleware counting each request under `keyOf(req)`; requests for which `skip` is true pass uncounted. */
function countedBy(counts: RateLimit, keyOf: (req: Request) => string, skip?: (req: Request) => boolean): RequestHandler {
  return (req, _res, next) => {
    if (skip?.(req)) {
      next();
      return;
    }
    counts.hit(keyOf(req)).then(() => next(), next);
  };
}

function limiter(limit: number, prefix: string, keyOf: (req: Request) => string, what: string, options: RateLimitOptions): RequestHandler {
  return countedBy(new RateLimit({ limit, prefix, what, counters: options.counters, log: options.log }), keyOf);
}

/** The client's address as the per-IP limits count it: express-rate-limit's helper counts an IPv6 client by its /56, which one host can fill. */
export const byIp = (req: Request) => ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? 'unknown');
const byUser = (req: Request) => messageLimitKey((req as Request & { claims?: TokenClaims }).claims?.sub ?? byIp(req));

/** The key of a user's count in the message limit. */
export const messageLimitKey = (user: string) => `user:${user}`;

/**
 * `RATE_LIMIT_PER_MINUTE`: new messages per user, one count for both transports (HTTP and
 * WebSocket) — in this process, or in Redis across instances.
 */
export function messageRateLimit(perMinute: number, options: Pick<RateLimitOptions, 'counters' | 'log'>): RateLimit {
  return new RateLimit({ limit: perMinute, prefix: 'rl:chat', what: 'messages', counters: options.counters, log: options.log });
}

/** Counts new messages of `POST /stream/chat` per user (by the token's `sub`); resumes (with `Last-Event-ID`) do not count. */
export function chatRateLimit(messages: RateLimit): RequestHandler {
  return countedBy(messages, byUser, (req) => req.method !== 'POST' || req.headers['last-event-id'] !== undefined);
}

/** Limits password attempts per IP. */
export function loginRateLimit(options: RateLimitOptions): RequestHandler {
  return limiter(options.loginPerMinute, 'rl:login', byIp, 'login attempts', options);
}

/** Limits guest tokens per IP. */
export function guestRateLimit(options: RateLimitOptions): RequestHandler {
  return limiter(options.guestPerMinute, 'rl:guest', byIp, 'guest token requests', options);
}

/**
 * `GUEST_IDENTITIES_PER_IP_PER_HOUR`: new guest identities per IP per hour — in this process, or
 * in Redis across instances. A guest renewing its token keeps its identity and is not counted.
 */
export function guestIdentityLimit(perHour: number, options: Pick<RateLimitOptions, 'counters' | 'log'>): RateLimit {
  return new RateLimit({ limit: perHour, prefix: 'rl:guest-id', what: 'new guest identities from your address', counters: options.counters, log: options.log, windowMs: 3_600_000 });
}
