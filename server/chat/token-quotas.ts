import type { Redis } from 'ioredis';
import type { TokenUsage } from '../../protocol/index.js';
import { HttpError } from '../http/errors.js';
import type { Logger } from '../ops/logger.js';

/** `QUOTA_TOKENS_PER_USER_DAY`, `QUOTA_TOKENS_PER_GUEST_DAY` and `DAILY_TOKEN_BUDGET`; 0 is off. */
export interface QuotaLimits {
  perUserDay: number;
  perGuestDay: number;
  dailyBudget: number;
}

/** Where the day's counts live: this process, or Redis across instances. */
export interface TokenCounters {
  /** Adds `amount` to each key, keeping it at least `ttlS` seconds. */
  add(keys: string[], amount: number, ttlS: number): Promise<void>;
  /** The counts of `keys`, 0 for a key never added to. */
  read(keys: string[]): Promise<number[]>;
}

/** Counts that outlive their day by a day at most: enough for any clock skew between instances. */
const KEY_TTL_S = 2 * 86_400;

/** Counts in this process, by day: yesterday's keys are dropped at the first add of a new day. */
export function memoryTokenCounters(): TokenCounters {
  const counts = new Map<string, number>();
  let today = '';
  return {
    async add(keys, amount) {
      const day = keys[0]?.split(':').at(-1) ?? '';
      if (day !== today) {
        for (const key of counts.keys()) if (!key.endsWith(`:${day}`)) counts.delete(key);
        today = day;
      }
      for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + amount);
    },
    async read(keys) {
      return keys.map((key) => counts.get(key) ?? 0);
    },
  };
}

/**
 * Counts in Redis, shared by every instance. Each key on its own (a user's count and the budget
 * may sit on different nodes of a Redis Cluster); the client sends them in one round trip anyway.
 */
export function redisTokenCounters(redis: Redis): TokenCounters {
  return {
    async add(keys, amount, ttlS) {
      await Promise.all(keys.map((key) => redis.multi().incrby(key, amount).expire(key, ttlS).exec()));
    },
    async read(keys) {
      return Promise.all(keys.map(async (key) => Number((await redis.get(key)) ?? 0)));
    },
  };
}

/** Tokens of text when the provider reports none: about four characters a token, as OpenAI's own rule of thumb. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** The UTC day of `now`, as keys name it, and when the next one begins. */
function utcDay(now: number): { day: string; resetsAt: number } {
  const date = new Date(now);
  return { day: date.toISOString().slice(0, 10), resetsAt: Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() + 1) };
}

/** "3 h 12 min", "4 min", "1 min": the wait until a reset. */
function wait(ms: number): string {
  const minutes = Math.max(1, Math.ceil(ms / 60_000));
  const hours = Math.floor(minutes / 60);
  return hours > 0 ? `${hours} h ${minutes % 60} min` : `${minutes} min`;
}

const isGuest = (owner: string) => owner.startsWith('guest:');

/**
 * Token quotas for public embeds: each user's tokens per UTC day (a guest's limit apart from a
 * signed-in user's), and all users' together. Replies are counted when they end, from the
 * model's reported usage or, without one, estimated from characters; a new message past a limit
 * is refused — 429 `quota_exceeded` for a user's own, 503 `budget_exhausted` for the budget —
 * with a `Retry-After` until midnight UTC. A reply already running finishes.
 */
export class TokenQuotas {
  constructor(
    private readonly limits: QuotaLimits,
    private readonly counters: TokenCounters,
    private readonly log: Logger,
  ) {}

  /** Whether any limit is set: with none, nothing is counted or read. */
  get enabled(): boolean {
    return this.limits.perUserDay > 0 || this.limits.perGuestDay > 0 || this.limits.dailyBudget > 0;
  }

  /**
   * Refuses a new message from `owner` past a limit.
   * @throws HttpError 429 `quota_exceeded` or 503 `budget_exhausted`, with `Retry-After`
   */
  async admit(owner: string, now = Date.now()): Promise<void> {
    if (!this.enabled) return;
    const { day, resetsAt } = utcDay(now);
    const userLimit = isGuest(owner) ? this.limits.perGuestDay : this.limits.perUserDay;
    let used: number[];
    try {
      used = await this.counters.read([userKey(owner, day), budgetKey(day)]);
    } catch (err) {
      // Counting must not take the chat down with Redis: the store's own errors will say so.
      this.log.warn({ err }, 'token quotas unreadable; admitting the message');
      return;
    }
    const [userUsed, budgetUsed] = used;
    const retryAfter = { 'Retry-After': String(Math.ceil((resetsAt - now) / 1000)) };
    const resets = `it resets at 00:00 UTC, in ${wait(resetsAt - now)}`;
    if (this.limits.dailyBudget > 0 && budgetUsed >= this.limits.dailyBudget) {
      throw new HttpError(503, 'budget_exhausted', `This chat has used its daily token budget; ${resets}.`, retryAfter);
    }
    if (userLimit > 0 && userUsed >= userLimit) {
      throw new HttpError(429, 'quota_exceeded', `You have used today's ${userLimit.toLocaleString('en-US')} tokens; ${resets}.`, retryAfter);
    }
  }

  /** Counts a reply's tokens against `owner`'s quota and the budget. */
  async record(owner: string, usage: TokenUsage, now = Date.now()): Promise<void> {
    if (!this.enabled) return;
    const { day } = utcDay(now);
    const total = usage.input_tokens + usage.output_tokens;
    if (total <= 0) return;
    try {
      await this.counters.add([userKey(owner, day), budgetKey(day)], total, KEY_TTL_S);
    } catch (err) {
      this.log.warn({ err }, 'token quotas not counted');
    }
  }
}

const userKey = (owner: string, day: string) => `quota:user:${owner}:${day}`;
const budgetKey = (day: string) => `quota:budget:${day}`;
