import type { Config } from '../config.js';
import { ConfigError } from './env-variable.js';
import { conversationsKind } from '../stores/conversations-kind.js';
import { DEV_JWT_SECRET } from './variables.js';

/** Least estimated entropy of a production `JWT_SECRET`, in bits. `openssl rand -hex 32` gives about 240. */
const MIN_SECRET_BITS = 96;

/**
 * The secret's entropy as its characters' frequencies estimate it (Shannon, per character, times
 * the length): 32 × "a" has none, "abcd" repeated has 2 bits a character, random text 4 to 6.
 */
function estimatedBits(secret: string): number {
  const counts = new Map<string, number>();
  for (const char of secret) counts.set(char, (counts.get(char) ?? 0) + 1);
  const length = [...secret].length;
  let perChar = 0;
  for (const count of counts.values()) perChar -= (count / length) * Math.log2(count / length);
  return perChar * length;
}

/** Production refuses every unsafe default: a guessable secret, any origin, open metrics, spoofable addresses. */
function checkProduction(config: Config): void {
  const secret = config.jwtSecret;
  if (secret === DEV_JWT_SECRET) throw new ConfigError('JWT_SECRET is the development default; set a random secret of at least 32 characters, e.g. from `openssl rand -hex 32`.');
  if (secret !== undefined && secret.length < 32) throw new ConfigError('JWT_SECRET must be at least 32 characters in production; `openssl rand -hex 32` makes one.');
  if (secret !== undefined && estimatedBits(secret) < MIN_SECRET_BITS) {
    throw new ConfigError('JWT_SECRET is too predictable (too few different characters); use a random one, e.g. from `openssl rand -hex 32`.');
  }
  if (secret === undefined && config.jwtPublicKey === undefined) throw new ConfigError('Set JWT_SECRET (at least 32 random characters) or JWT_PUBLIC_KEY in production.');
  if (config.allowedOrigins.length === 0) {
    throw new ConfigError('ALLOWED_ORIGINS is required in production: list the sites that embed the widget, e.g. ALLOWED_ORIGINS=https://shop.example.com.');
  }
  if (config.metricsToken === undefined && config.metricsPort === undefined) {
    throw new ConfigError('In production /metrics must not be public: set METRICS_TOKEN (scrapers send it as a bearer token) or METRICS_PORT (a port only your network reaches).');
  }
  if (config.trustProxy === true) {
    throw new ConfigError('TRUST_PROXY=on trusts any X-Forwarded-For a client sends; in production give the number of proxies (TRUST_PROXY=1) or their addresses.');
  }
}

/** Token lifetimes must fit under the longest life the verifier accepts. */
function checkTokenLifetimes(config: Config): void {
  for (const [name, ttl] of [
    ['TOKEN_TTL_S', config.tokenTtlS],
    ['GUEST_TOKEN_TTL_S', config.guestTokenTtlS],
  ] as const) {
    if (ttl > config.jwtMaxAgeS) throw new ConfigError(`${name}=${ttl} is longer than JWT_MAX_AGE_S=${config.jwtMaxAgeS}, so the API would refuse its own tokens; lower it or raise JWT_MAX_AGE_S.`);
  }
}

/**
 * Several workers are several instances on one host: they share streams, rate limits and quotas
 * through Redis, and conversations through PostgreSQL or Redis (PGlite is one process's).
 */
function checkWorkers(config: Config): void {
  if (config.workers <= 1) return;
  if (config.redis === undefined) {
    throw new ConfigError(`WORKERS=${config.workers} needs REDIS_URL (or REDIS_CLUSTER_NODES): the workers share streams, resumes and limits through Redis (a reconnect may reach any worker).`);
  }
  const conversations = conversationsKind(config);
  if (conversations === 'pglite' || conversations === 'memory') {
    throw new ConfigError(
      `WORKERS=${config.workers} needs the conversations where every worker reaches them: set DATABASE_URL (PostgreSQL), or leave CONVERSATION_STORE at auto to keep them in Redis.`,
    );
  }
}

/**
 * A Redis Cluster keeps the streams, spread over its nodes by stream; a conversation's keys and
 * its owner's index cannot share a slot with them, so conversations go in PostgreSQL.
 */
function checkRedisCluster(config: Config): void {
  if (config.redisClusterNodes === undefined) return;
  if (config.redisUrl !== undefined) throw new ConfigError('Set REDIS_URL or REDIS_CLUSTER_NODES, not both.');
  if (conversationsKind(config) === 'redis') {
    throw new ConfigError('With REDIS_CLUSTER_NODES, conversations are kept in PostgreSQL: set DATABASE_URL (or CONVERSATION_STORE=sql or memory for one instance).');
  }
}

/** The rules that concern several variables at once. @throws ConfigError */
export function checkConfig(config: Config): void {
  if (config.conversationStore === 'redis' && config.redis === undefined) throw new ConfigError('CONVERSATION_STORE=redis needs REDIS_URL.');
  checkRedisCluster(config);
  checkWorkers(config);
  if (config.production) checkProduction(config);
  checkTokenLifetimes(config);
}
