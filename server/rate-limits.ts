import type { Request, RequestHandler } from 'express';
import { ipKeyGenerator, MemoryStore, type Options, type Store } from 'express-rate-limit';
import { HttpError } from './errors.js';
import type { TokenClaims } from './auth/token-verifier.js';
import type { Logger } from './logger.js';
import type { Redis } from 'ioredis';
import { RedisStore, type RedisReply } from 'rate-limit-redis';

/** Per-minute limits (`LOGIN_RATE_LIMIT_PER_MINUTE`, `GUEST_RATE_LIMIT_PER_MINUTE`). */
export interface RateLimitOptions {
  loginPerMinute: number;
  guestPerMinute: number;
  /** Makes a shared store (Redis) for a limiter, or undefined for the in-process one. */
  store?: (prefix: string) => Store;
  /** Where the limiter reports its store failing (it then lets requests through). */
  log?: Logger;
}

const WINDOW_MS = 60_000;

/** What a {@link RateLimit} counts, and where. */
export interface RateLimitSettings {
  /** Hits allowed per key per minute. */
  limit: number;
  /** Where the counts live: express-rate-limit's MemoryStore, or a RedisStore shared by instances. */
  store: Store;
  /** What is counted, in the 429's message: "messages", "login attempts". */
  what: string;
  /** Where a failing store is reported. */
  log?: Logger;
  /** How long a window lasts, in ms. Defaults to a minute. */
  windowMs?: number;
}

/**
 * A fixed one-minute window per key over an express-rate-limit {@link Store}. The stores are
 * express-rate-limit's; the middleware is not: it re-read the request's IP through Express's
 * proxy check, ran its validations and debug calls on every request, about 20 µs of a short
 * reply's CPU (7% of it, bench workload a), where a count is a Map lookup.
 */
export class RateLimit {
  constructor(private readonly settings: RateLimitSettings) {
    // Store.init is typed with the middleware's whole Options; both stores read only windowMs.
    void Promise.resolve(settings.store.init?.({ windowMs: settings.windowMs ?? WINDOW_MS } as Options)).catch((err: unknown) =>
      settings.log?.warn({ err }, 'rate-limit store failed to start'),
    );
  }

  /**
   * Counts one hit for `key`. A failing store lets the hit through rather than taking the API
   * down with it.
   * @throws HttpError 429 `rate_limited` (with `Retry-After`) past the limit.
   */
  async hit(key: string): Promise<void> {
    const { limit, store, what, log, windowMs = WINDOW_MS } = this.settings;
    let hits: number;
    let resetTime: Date | undefined;
    try {
      ({ totalHits: hits, resetTime } = await store.increment(key));
    } catch (err) {
      log?.warn({ err }, 'rate-limit store failed; request let through');
      return;
    }
    if (hits <= limit) return;
    const retryAfter = Math.max(1, Math.ceil(((resetTime?.getTime() ?? Date.now() + windowMs) - Date.now()) / 1000));
    throw new HttpError(429, 'rate_limited', `Too many ${what}; retry in ${retryAfter} s.`, { 'Retry-After': String(retryAfter) });
  }

  /** Releases the in-memory store's timer. */
  close(): void {
    void this.settings.store.shutdown?.();
  }
}

/** The counts of a limiter named by `prefix`: shared ones (Redis) when configured, else this process's. */
function storeFor(prefix: string, options: Pick<RateLimitOptions, 'store'>): Store {
  return options.store?.(prefix) ?? new MemoryStore();
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
  return countedBy(new RateLimit({ limit, store: storeFor(prefix, options), what, log: options.log }), keyOf);
}

/** The client's address as the per-IP limits count it (an IPv6 address by its /56 subnet). */
export const byIp = (req: Request) => ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? 'unknown');
const byUser = (req: Request) => messageLimitKey((req as Request & { claims?: TokenClaims }).claims?.sub ?? byIp(req));

/** The key of a user's count in the message limit. */
export const messageLimitKey = (user: string) => `user:${user}`;

/**
 * `RATE_LIMIT_PER_MINUTE`: new messages per user, one count for both transports (HTTP and
 * WebSocket) — in this process, or in Redis across instances.
 */
export function messageRateLimit(perMinute: number, options: Pick<RateLimitOptions, 'store' | 'log'>): RateLimit {
  return new RateLimit({ limit: perMinute, store: storeFor('rl:chat:', options), what: 'messages', log: options.log });
}

/** Counts new messages of `POST /stream/chat` per user (by the token's `sub`); resumes (with `Last-Event-ID`) do not count. */
export function chatRateLimit(messages: RateLimit): RequestHandler {
  return countedBy(messages, byUser, (req) => req.method !== 'POST' || req.headers['last-event-id'] !== undefined);
}

/** Limits password attempts per IP. */
export function loginRateLimit(options: RateLimitOptions): RequestHandler {
  return limiter(options.loginPerMinute, 'rl:login:', byIp, 'login attempts', options);
}

/** Limits guest tokens per IP. */
export function guestRateLimit(options: RateLimitOptions): RequestHandler {
  return limiter(options.guestPerMinute, 'rl:guest:', byIp, 'guest token requests', options);
}

/**
 * `GUEST_IDENTITIES_PER_IP_PER_HOUR`: new guest identities per IP per hour — in this process, or
 * in Redis across instances. A guest renewing its token keeps its identity and is not counted.
 */
export function guestIdentityLimit(perHour: number, options: Pick<RateLimitOptions, 'store' | 'log'>): RateLimit {
  return new RateLimit({ limit: perHour, store: storeFor('rl:guest-id:', options), what: 'new guest identities from your address', log: options.log, windowMs: 3_600_000 });
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
