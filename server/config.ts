import proxyaddr from 'proxy-addr';

/**
 * The API's configuration, read from environment variables once at start-up.
 * A bad value throws a {@link ConfigError} naming the variable and what it expects,
 * so the process stops before it serves a single request.
 */

/** The development-only JWT secret; production refuses to start with it. */
export const DEV_JWT_SECRET = 'ngx-chat-development-secret-do-not-use-in-production';

/** Origins allowed when `ALLOWED_ORIGINS` is unset outside production: any port on localhost. */
const DEV_ALLOWED_ORIGINS = ['http://localhost:*', 'http://127.0.0.1:*'];

/** Thrown when an environment variable is missing or malformed; the message says what to set. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** The built-in agents, by the name `AGENT`, `AGENTS` and `metadata.agent` use. */
export const AGENT_NAME = { demo: 'demo', openai: 'openai' } as const;
export type AgentName = (typeof AGENT_NAME)[keyof typeof AGENT_NAME];

/** How the `openai` agent reaches an OpenAI-compatible Chat Completions API. */
export interface OpenAIConfig {
  /** API root, ending in `/v1` for most servers (`OPENAI_BASE_URL`). Defaults to `https://api.openai.com/v1`. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer …` when set (`OPENAI_API_KEY`); local servers such as Ollama need none. */
  apiKey: string | undefined;
  /** The `model` of every request (`OPENAI_MODEL`); required. */
  model: string;
  /** Longest wait for the first token, in ms (`OPENAI_TIMEOUT_MS`). Defaults to 60000. */
  timeoutMs: number;
  /** Longest silence once the reply has begun, in ms (`OPENAI_STALL_MS`). Defaults to 30000. */
  stallMs: number;
  /** Extra request headers (`OPENAI_HEADERS`, a JSON object), e.g. Azure's `api-key`. Defaults to none. */
  headers: Record<string, string>;
}

/** The validated configuration of one API process. */
export interface Config {
  /** `NODE_ENV === 'production'`. */
  production: boolean;
  /** TCP port. Defaults to 8000. */
  port: number;
  /** Interface to bind. Defaults to `0.0.0.0`. */
  host: string;
  /** HMAC secret for HS256 tokens (and for tokens this API issues). Defaults to a dev secret outside production. */
  jwtSecret: string | undefined;
  /** PEM public key for RS256/ES256 tokens minted by a site owner's backend. */
  jwtPublicKey: string | undefined;
  /** Expected `iss` claim, checked when set. */
  jwtIssuer: string | undefined;
  /** Expected `aud` claim, checked when set. */
  jwtAudience: string | undefined;
  /** Longest token life the API accepts, in seconds (`JWT_MAX_AGE_S`). Defaults to 86400. */
  jwtMaxAgeS: number;
  /** Lifetime of tokens from `/auth/login`, in seconds. Defaults to 3600. */
  tokenTtlS: number;
  /** Lifetime of tokens from `/auth/guest`, in seconds. Defaults to 900. */
  guestTokenTtlS: number;
  /** Exact origins (or `scheme://host:*` for any port) allowed to call the API from a browser. */
  allowedOrigins: string[];
  /** Path of a JSON file of users with scrypt password hashes; undefined means the dev user `test`/`test` outside production. */
  authUsersPath: string | undefined;
  /** Whether `/auth/guest` issues anonymous tokens. Defaults to on outside production, off in production. */
  guestTokens: boolean;
  /** Pause between the demo agent's words, in ms. Defaults to 30. */
  demoTokenDelayMs: number;
  /** A stream is ended with an `error` event after this many ms. Defaults to 300000. */
  streamTimeoutMs: number;
  /** Silence after which a `:` heartbeat comment is sent, in ms. Defaults to 15000. */
  heartbeatMs: number;
  /** Longest accepted message, in characters. Defaults to 16384. */
  maxMessageLength: number;
  /** Largest request body (and WebSocket message), in bytes: room for a message of `maxMessageLength` however it is escaped. */
  maxBodyBytes: number;
  /** How long a finished stream stays resumable, in seconds. Defaults to 600. */
  streamRetentionS: number;
  /** How long a conversation lives without activity, in seconds. Defaults to 86400. */
  conversationTtlS: number;
  /** A reader whose socket accepts nothing for this long is disconnected, in ms. Defaults to 30000. */
  readerStallMs: number;
  /** Most chunk events in one reply. Defaults to 20000. */
  maxReplyChunks: number;
  /** Most bytes of text in one reply. Defaults to 1048576. */
  maxReplyBytes: number;
  /** The agent answering requests that name none (`AGENT`). Defaults to `demo`. */
  agent: AgentName;
  /** The agents a request may choose with `metadata.agent` (`AGENTS`). Defaults to just {@link Config.agent}. */
  agents: AgentName[];
  /** The system prompt of each agent that takes one (`OPENAI_SYSTEM_PROMPT`). Defaults to none. */
  systemPrompts: Partial<Record<AgentName, string>>;
  /** The `openai` agent's settings; present when `agents` includes it. */
  openai: OpenAIConfig | undefined;
  /** Pieces arriving within this many ms are sent as one chunk event; 0 sends each piece at once. Defaults to 25. */
  chunkFlushMs: number;
  /** A chunk is sent once this many bytes are waiting, whatever the time. Defaults to 8192. */
  chunkMaxBytes: number;
  /** Redis connection URL; when set, streams and conversations live in Redis. */
  redisUrl: string | undefined;
  /** Bearer token `/metrics` requires, when set. */
  metricsToken: string | undefined;
  /** Serve `/metrics` on this separate port (and not on the API's), when set. */
  metricsPort: number | undefined;
  /** New messages per user per minute. Defaults to 30. */
  rateLimitPerMinute: number;
  /** Login attempts per IP per minute. Defaults to 10. */
  loginRateLimitPerMinute: number;
  /** Guest tokens per IP per minute. Defaults to 30. */
  guestRateLimitPerMinute: number;
  /** Open streams one user may have on one instance. Defaults to 5. */
  maxConcurrentStreamsPerUser: number;
  /** Open streams one instance holds before answering 503. Defaults to 10000. */
  maxOpenStreams: number;
  /** Bytes the API may leave unsent on one WebSocket before it drops that socket (`WS_MAX_BUFFERED_BYTES`). Defaults to 1048576. */
  wsMaxBufferedBytes: number;
  /** Messages one WebSocket may send per minute, in bursts of a quarter of that; past it the socket is closed (`WS_MESSAGES_PER_MINUTE`). Defaults to 120. */
  wsMessagesPerMinute: number;
  // Memory bounds and guest caps: README, "Memory bounds".
  /** Conversations the memory store keeps; past it new ones get 503. Defaults to 10000. */
  maxConversations: number;
  /** Conversations one user keeps in the memory store; past it their stalest idle one is dropped. Defaults to 100. */
  maxConversationsPerUser: number;
  /** Streams the memory log keeps, live or finished; past it the oldest finished is dropped, or new ones get 503. Defaults to 10000. */
  maxRetainedStreams: number;
  /** Finished streams one user keeps in the memory log; past it their oldest is dropped. Defaults to 50. */
  maxRetainedStreamsPerUser: number;
  /** New guest identities `/auth/guest` issues per client IP per hour (renewals do not count). Defaults to 60. */
  guestIdentitiesPerIpPerHour: number;
  /** Open streams of guests from one client IP on one instance. Defaults to 20. */
  maxConcurrentGuestStreamsPerIp: number;
  /** On SIGTERM/SIGINT, how long running replies may take to finish, in ms. Defaults to 10000. */
  shutdownGraceMs: number;
  /** Longest wait for a request's headers, in ms. Defaults to 10000. */
  headersTimeoutMs: number;
  /** Longest wait for a whole request (headers and body), in ms. Defaults to 30000. */
  requestTimeoutMs: number;
  /** Express's `trust proxy`: false, or the number of proxies, or addresses such as `loopback`. Defaults to false. */
  trustProxy: boolean | number | string;
  /** Human-readable logs instead of JSON lines. Defaults to on outside production when stdout is a terminal. */
  logPretty: boolean;
  /** pino log level. Defaults to `info`. */
  logLevel: string;
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function readInt(env: Env, name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}".`);
  const value = Number(raw.trim());
  if (value < min || value > max) throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got ${value}.`);
  return value;
}

function readSwitch(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['on', 'true', '1', 'yes'].includes(raw)) return true;
  if (['off', 'false', '0', 'no'].includes(raw)) return false;
  throw new ConfigError(`${name} must be "on" or "off", got "${env[name]}".`);
}

function readString(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw ? raw : undefined;
}

/** Checks one `ALLOWED_ORIGINS` entry: an origin with no path, or `scheme://host:*`. */
function parseOrigin(entry: string): string {
  const wildcardPort = entry.endsWith(':*');
  const candidate = wildcardPort ? entry.slice(0, -2) : entry;
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    throw new ConfigError(`ALLOWED_ORIGINS has "${entry}", which is not an origin such as https://shop.example.com.`);
  }
  if (url.hostname.includes('*')) {
    throw new ConfigError(`ALLOWED_ORIGINS has "${entry}": host wildcards are not supported, since any subdomain could then embed the chat; list each site's origin.`);
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.origin !== candidate || (wildcardPort && url.port !== '')) {
    throw new ConfigError(
      `ALLOWED_ORIGINS has "${entry}": write scheme://host[:port] with no path or trailing slash (or scheme://host:* for any port).`,
    );
  }
  return entry;
}

function readOrigins(env: Env, production: boolean): string[] {
  const raw = readString(env, 'ALLOWED_ORIGINS');
  if (!raw) {
    if (production) {
      throw new ConfigError('ALLOWED_ORIGINS is required in production: list the sites that embed the widget, e.g. ALLOWED_ORIGINS=https://shop.example.com.');
    }
    return DEV_ALLOWED_ORIGINS;
  }
  return raw
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map(parseOrigin);
}

function readPublicKey(env: Env): string | undefined {
  const pem = readString(env, 'JWT_PUBLIC_KEY')?.replace(/\\n/g, '\n');
  if (pem && !pem.includes('-----BEGIN PUBLIC KEY-----')) {
    throw new ConfigError('JWT_PUBLIC_KEY must be a PEM public key ("-----BEGIN PUBLIC KEY-----" …); \\n escapes are accepted.');
  }
  return pem;
}

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

function readSecret(env: Env, production: boolean, publicKey: string | undefined): string | undefined {
  const secret = readString(env, 'JWT_SECRET');
  if (production) {
    if (secret === DEV_JWT_SECRET) throw new ConfigError('JWT_SECRET is the development default; set a random secret of at least 32 characters, e.g. from `openssl rand -hex 32`.');
    if (secret !== undefined && secret.length < 32) throw new ConfigError('JWT_SECRET must be at least 32 characters in production; `openssl rand -hex 32` makes one.');
    if (secret !== undefined && estimatedBits(secret) < MIN_SECRET_BITS) {
      throw new ConfigError('JWT_SECRET is too predictable (too few different characters); use a random one, e.g. from `openssl rand -hex 32`.');
    }
    if (secret === undefined && publicKey === undefined) {
      throw new ConfigError('Set JWT_SECRET (at least 32 random characters) or JWT_PUBLIC_KEY in production.');
    }
    return secret;
  }
  // With a site owner's public key, tokens come from their backend: the public development
  // secret must verify nothing, or anyone could mint a token for any user with it.
  return secret ?? (publicKey ? undefined : DEV_JWT_SECRET);
}

function readLogLevel(env: Env): string {
  const level = readString(env, 'LOG_LEVEL') ?? 'info';
  if (!LOG_LEVELS.includes(level)) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${level}".`);
  return level;
}

/**
 * Express's `trust proxy`: off, a number of proxy hops, or addresses and subnets (`loopback`,
 * `10.0.0.0/8`, …), checked here with the parser Express itself uses so a typo stops start-up.
 * `on` (trust every proxy) lets any client choose its own address with X-Forwarded-For, and so
 * slip out of the per-IP limits: production refuses it.
 */
function readTrustProxy(env: Env, production: boolean): boolean | number | string {
  const raw = readString(env, 'TRUST_PROXY')?.toLowerCase();
  if (raw === undefined || raw === 'off' || raw === 'false') return false;
  if (raw === 'on' || raw === 'true') {
    if (production) throw new ConfigError('TRUST_PROXY=on trusts any X-Forwarded-For a client sends; in production give the number of proxies (TRUST_PROXY=1) or their addresses.');
    return true;
  }
  if (/^\d+$/.test(raw)) return Number(raw);
  try {
    proxyaddr.compile(raw.split(',').map((entry) => entry.trim()));
  } catch {
    throw new ConfigError(`TRUST_PROXY must be off, a number of proxies, or addresses such as "loopback" or "10.0.0.0/8", got "${raw}".`);
  }
  return raw;
}

/** `url` with any user name and password replaced by `***`, fit for an error message. */
function redactCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^@/]*@/i, (_match, scheme: string | undefined) => `${scheme ?? ''}***@`);
}

function readRedisUrl(env: Env): string | undefined {
  const url = readString(env, 'REDIS_URL');
  if (url && !/^rediss?:\/\//.test(url)) throw new ConfigError(`REDIS_URL must start with redis:// or rediss://, got "${redactCredentials(url)}".`);
  return url;
}

const DEFAULT_OPENAI_BASE_URL = 'https://api.openai.com/v1';
const AGENT_NAMES: readonly string[] = Object.values(AGENT_NAME);
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function readAgentName(name: string, value: string): AgentName {
  if (!AGENT_NAMES.includes(value)) throw new ConfigError(`${name} must name a built-in agent (${AGENT_NAMES.join(', ')}), got "${value}".`);
  return value as AgentName;
}

function readAgents(env: Env): { agent: AgentName; agents: AgentName[] } {
  const agent = readAgentName('AGENT', readString(env, 'AGENT') ?? AGENT_NAME.demo);
  const list = readString(env, 'AGENTS');
  if (!list) return { agent, agents: [agent] };
  const agents = [...new Set(list.split(',').map((entry) => entry.trim()).filter(Boolean).map((entry) => readAgentName('AGENTS', entry)))];
  if (!agents.includes(agent)) throw new ConfigError(`AGENTS must include the default agent AGENT=${agent}, e.g. AGENTS=${[agent, ...agents].join(',')}.`);
  return { agent, agents };
}

/**
 * The system prompt of each agent that takes one: `OPENAI_SYSTEM_PROMPT` (the demo agent's canned
 * replies take none). `\n` escapes become newlines, since an .env file holds one line per variable.
 */
function readSystemPrompts(env: Env): Partial<Record<AgentName, string>> {
  const openai = readString(env, 'OPENAI_SYSTEM_PROMPT')?.replace(/\\n/g, '\n');
  return openai ? { openai } : {};
}

function readHeaders(env: Env): Record<string, string> {
  const raw = readString(env, 'OPENAI_HEADERS');
  if (!raw) return {};
  const fail = (): never => {
    throw new ConfigError('OPENAI_HEADERS must be a JSON object of header names to string values, e.g. OPENAI_HEADERS=\'{"api-key":"…"}\'.');
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return fail();
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return fail();
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (!HEADER_NAME.test(name) || typeof value !== 'string' || /[\r\n\0]/.test(value)) return fail();
    headers[name] = value;
  }
  return headers;
}

function readOpenAI(env: Env, agents: AgentName[]): OpenAIConfig | undefined {
  if (!agents.includes(AGENT_NAME.openai)) return undefined;
  const baseUrl = (readString(env, 'OPENAI_BASE_URL') ?? DEFAULT_OPENAI_BASE_URL).replace(/\/+$/, '');
  const url = URL.canParse(baseUrl) ? new URL(baseUrl) : undefined;
  if (!url || !['http:', 'https:'].includes(url.protocol)) {
    throw new ConfigError(`OPENAI_BASE_URL must be an http(s) URL such as ${DEFAULT_OPENAI_BASE_URL} or http://localhost:11434/v1, got "${baseUrl}".`);
  }
  const model = readString(env, 'OPENAI_MODEL');
  if (!model) throw new ConfigError('OPENAI_MODEL is required by the openai agent, e.g. OPENAI_MODEL=gpt-4o-mini (or llama3.2 for Ollama).');
  const apiKey = readString(env, 'OPENAI_API_KEY');
  if (!apiKey && url.hostname === 'api.openai.com') throw new ConfigError('OPENAI_API_KEY is required for api.openai.com; set it, or point OPENAI_BASE_URL at a server that needs none.');
  return {
    baseUrl,
    apiKey,
    model,
    timeoutMs: readInt(env, 'OPENAI_TIMEOUT_MS', 60_000, 100),
    stallMs: readInt(env, 'OPENAI_STALL_MS', 30_000, 100),
    headers: readHeaders(env),
  };
}

/**
 * The largest body that can carry a message of `maxMessageLength` characters: 12 bytes a
 * character covers the widest JSON escape (`\uD83D\uDE00` for one astral character, as encoders
 * with ASCII-only output write it), plus 16 KiB for the other fields and metadata.
 */
export function bodyLimitFor(maxMessageLength: number): number {
  return maxMessageLength * 12 + 16 * 1024;
}

/** Production must not serve /metrics to anyone who reaches the port. */
function checkMetricsExposure(config: Config): void {
  if (config.production && config.metricsToken === undefined && config.metricsPort === undefined) {
    throw new ConfigError('In production /metrics must not be public: set METRICS_TOKEN (scrapers send it as a bearer token) or METRICS_PORT (a port only your network reaches).');
  }
}

/** Token lifetimes must fit under the longest life the verifier accepts. */
function checkTokenLifetimes(config: Config): void {
  for (const [name, ttl] of [['TOKEN_TTL_S', config.tokenTtlS], ['GUEST_TOKEN_TTL_S', config.guestTokenTtlS]] as const) {
    if (ttl > config.jwtMaxAgeS) throw new ConfigError(`${name}=${ttl} is longer than JWT_MAX_AGE_S=${config.jwtMaxAgeS}, so the API would refuse its own tokens; lower it or raise JWT_MAX_AGE_S.`);
  }
}

/**
 * Reads and validates the configuration from `env`.
 * @throws ConfigError naming the variable to fix.
 */
export function loadConfig(env: Env = process.env): Config {
  const config = readConfig(env);
  checkMetricsExposure(config);
  checkTokenLifetimes(config);
  return config;
}

function readConfig(env: Env): Config {
  const production = env.NODE_ENV === 'production';
  const jwtPublicKey = readPublicKey(env);
  const { agent, agents } = readAgents(env);
  const maxMessageLength = readInt(env, 'MAX_MESSAGE_LENGTH', 16_384, 1, 60_000);
  return {
    production,
    port: readInt(env, 'PORT', 8000, 0, 65535),
    host: readString(env, 'HOST') ?? '0.0.0.0',
    jwtSecret: readSecret(env, production, jwtPublicKey),
    jwtPublicKey,
    jwtIssuer: readString(env, 'JWT_ISSUER'),
    jwtAudience: readString(env, 'JWT_AUDIENCE'),
    jwtMaxAgeS: readInt(env, 'JWT_MAX_AGE_S', 86_400, 60),
    tokenTtlS: readInt(env, 'TOKEN_TTL_S', 3600, 60),
    guestTokenTtlS: readInt(env, 'GUEST_TOKEN_TTL_S', 900, 60),
    allowedOrigins: readOrigins(env, production),
    authUsersPath: readString(env, 'AUTH_USERS'),
    guestTokens: readSwitch(env, 'GUEST_TOKENS', !production),
    demoTokenDelayMs: readInt(env, 'DEMO_TOKEN_DELAY_MS', 30, 0, 60_000),
    streamTimeoutMs: readInt(env, 'STREAM_TIMEOUT_MS', 300_000, 100),
    heartbeatMs: readInt(env, 'HEARTBEAT_MS', 15_000, 10),
    maxMessageLength,
    maxBodyBytes: bodyLimitFor(maxMessageLength),
    streamRetentionS: readInt(env, 'STREAM_RETENTION_S', 600, 1),
    conversationTtlS: readInt(env, 'CONVERSATION_TTL_S', 86_400, 1),
    readerStallMs: readInt(env, 'READER_STALL_MS', 30_000, 100),
    maxReplyChunks: readInt(env, 'MAX_REPLY_CHUNKS', 20_000, 1),
    maxReplyBytes: readInt(env, 'MAX_REPLY_BYTES', 1_048_576, 1),
    agent,
    agents,
    systemPrompts: readSystemPrompts(env),
    openai: readOpenAI(env, agents),
    chunkFlushMs: readInt(env, 'CHUNK_FLUSH_MS', 25, 0, 10_000),
    chunkMaxBytes: readInt(env, 'CHUNK_MAX_BYTES', 8192, 1, 1_048_576),
    redisUrl: readRedisUrl(env),
    logLevel: readLogLevel(env),
    metricsToken: readString(env, 'METRICS_TOKEN'),
    metricsPort: env.METRICS_PORT ? readInt(env, 'METRICS_PORT', 0, 1, 65535) : undefined,
    rateLimitPerMinute: readInt(env, 'RATE_LIMIT_PER_MINUTE', 30, 1),
    loginRateLimitPerMinute: readInt(env, 'LOGIN_RATE_LIMIT_PER_MINUTE', 10, 1),
    guestRateLimitPerMinute: readInt(env, 'GUEST_RATE_LIMIT_PER_MINUTE', 30, 1),
    maxConcurrentStreamsPerUser: readInt(env, 'MAX_CONCURRENT_STREAMS_PER_USER', 5, 1),
    maxOpenStreams: readInt(env, 'MAX_OPEN_STREAMS', 10_000, 1),
    wsMaxBufferedBytes: readInt(env, 'WS_MAX_BUFFERED_BYTES', 1_048_576, 65_536),
    wsMessagesPerMinute: readInt(env, 'WS_MESSAGES_PER_MINUTE', 120, 4),
    maxConversations: readInt(env, 'MAX_CONVERSATIONS', 10_000, 1),
    maxConversationsPerUser: readInt(env, 'MAX_CONVERSATIONS_PER_USER', 100, 1),
    maxRetainedStreams: readInt(env, 'MAX_RETAINED_STREAMS', 10_000, 1),
    maxRetainedStreamsPerUser: readInt(env, 'MAX_RETAINED_STREAMS_PER_USER', 50, 1),
    guestIdentitiesPerIpPerHour: readInt(env, 'GUEST_IDENTITIES_PER_IP_PER_HOUR', 60, 1),
    maxConcurrentGuestStreamsPerIp: readInt(env, 'MAX_CONCURRENT_GUEST_STREAMS_PER_IP', 20, 1),
    shutdownGraceMs: readInt(env, 'SHUTDOWN_GRACE_MS', 10_000, 0),
    headersTimeoutMs: readInt(env, 'HEADERS_TIMEOUT_MS', 10_000, 100),
    requestTimeoutMs: readInt(env, 'REQUEST_TIMEOUT_MS', 30_000, 100),
    trustProxy: readTrustProxy(env, production),
    logPretty: readSwitch(env, 'LOG_PRETTY', !production && Boolean(process.stdout.isTTY)),
  };
}

export { DEV_ALLOWED_ORIGINS };
