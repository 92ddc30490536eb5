import { availableParallelism } from 'node:os';
import proxyaddr from 'proxy-addr';
import { z } from 'zod';
import { fail, oneOf, onOff, optionalWholeNumber, text, variable, wholeNumber, type EnvVariable } from './env-variable.js';

/** The development-only JWT secret; production refuses to start with it. */
export const DEV_JWT_SECRET = 'ngx-chat-development-secret-do-not-use-in-production';

/** Origins allowed when `ALLOWED_ORIGINS` is unset outside production: any port on localhost. */
export const DEV_ALLOWED_ORIGINS = ['http://localhost:*', 'http://127.0.0.1:*'];

/** The built-in agents, by the name `AGENT`, `AGENTS` and `metadata.agent` use; `AGENTS_CONFIG` may add more. */
export const AGENT_NAME = { demo: 'demo', openai: 'openai', anthropic: 'anthropic', google: 'google' } as const;
export type AgentName = (typeof AGENT_NAME)[keyof typeof AGENT_NAME];

/** Where each provider is, unless its `*_BASE_URL` says otherwise. */
export const DEFAULT_BASE_URL = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com/v1',
  google: 'https://generativelanguage.googleapis.com/v1beta',
} as const;

/** An agent name, as `AGENT`, `AGENTS` and `AGENTS_CONFIG` write it. */
const AGENT_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,39}$/;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
/** Where conversations are kept; see `CONVERSATION_STORE`. */
export const CONVERSATION_STORES = ['auto', 'sql', 'redis', 'memory'] as const;

/** One `ALLOWED_ORIGINS` entry: an origin with no path, or `scheme://host:*` for any port. */
const origin = z.string().transform((entry, ctx) => {
  const wildcardPort = entry.endsWith(':*');
  const candidate = wildcardPort ? entry.slice(0, -2) : entry;
  const url = URL.canParse(candidate) ? new URL(candidate) : undefined;
  if (!url) return fail(ctx, `ALLOWED_ORIGINS has "${entry}", which is not an origin such as https://shop.example.com.`);
  if (url.hostname.includes('*')) {
    return fail(ctx, `ALLOWED_ORIGINS has "${entry}": host wildcards are not supported, since any subdomain could then embed the chat; list each site's origin.`);
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.origin !== candidate || (wildcardPort && url.port !== '')) {
    return fail(ctx, `ALLOWED_ORIGINS has "${entry}": write scheme://host[:port] with no path or trailing slash (or scheme://host:* for any port).`);
  }
  return entry;
});

/** A comma-separated list, blanks dropped. */
const commaList = z.string().transform((list) => list.split(',').map((entry) => entry.trim()).filter(Boolean));

/**
 * Express's `trust proxy`, checked with the parser Express itself uses so a typo stops start-up:
 * off, `on` (every proxy; production refuses it), a number of hops, or addresses and subnets.
 */
const trustProxy = z.string().transform((raw, ctx): boolean | number | string => {
  const value = raw.toLowerCase();
  if (value === 'off' || value === 'false') return false;
  if (value === 'on' || value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  try {
    proxyaddr.compile(value.split(',').map((entry) => entry.trim()));
  } catch {
    return fail(ctx, `TRUST_PROXY must be off, a number of proxies, or addresses such as "loopback" or "10.0.0.0/8", got "${raw}".`);
  }
  return value;
});

/** `*_HEADERS`: a JSON object of header names to single-line values. */
const headers = (name: string) => z.string().transform((raw, ctx): Record<string, string> => {
  const message = `${name} must be a JSON object of header names to string values, e.g. ${name}='{"api-key":"…"}'.`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return fail(ctx, message);
  }
  const checked = z.record(z.string().regex(HEADER_NAME), z.string().regex(/^[^\r\n\0]*$/)).safeParse(parsed);
  return checked.success ? checked.data : fail(ctx, message);
});

/** `{PREFIX}_BASE_URL`: an http(s) URL, trailing slashes dropped. */
function baseUrl(prefix: string, fallback: string, doc: string): EnvVariable<string> {
  return variable({
    name: `${prefix}_BASE_URL`,
    doc,
    fallback,
    expects: `be an http(s) URL such as ${fallback}`,
    schema: z
      .string()
      .transform((url) => url.replace(/\/+$/, ''))
      .pipe(z.url({ protocol: /^https?$/ })),
  });
}

function systemPrompt(prefix: string): EnvVariable<string | undefined> {
  return text(`${prefix}_SYSTEM_PROMPT`, 'system message sent before the conversation; `\\n` escapes accepted', { multiline: true });
}

function headerVariable(prefix: string, doc: string): EnvVariable<Record<string, string>> {
  return variable<Record<string, string>>({
    name: `${prefix}_HEADERS`,
    doc: `JSON object of extra request headers, ${doc}`,
    fallback: {},
    defaultText: '—',
    expects: 'be a JSON object',
    schema: headers(`${prefix}_HEADERS`),
  });
}

function firstTokenTimeout(prefix: string): EnvVariable<number> {
  return wholeNumber(`${prefix}_TIMEOUT_MS`, 60_000, 100, undefined, 'longest wait for the first token (raise it for reasoning models)');
}

function stallTimeout(prefix: string): EnvVariable<number> {
  return wholeNumber(`${prefix}_STALL_MS`, 30_000, 100, undefined, 'longest silence once the reply has begun');
}

/**
 * Every environment variable the API reads, in the order of the README's configuration table.
 * `loadConfig` reads them all, then derives and checks what depends on several.
 */
export const VARIABLES = {
  port: wholeNumber('PORT', 8000, 0, 65535, 'TCP port of the API'),
  host: variable({ name: 'HOST', doc: 'interface to bind', fallback: '0.0.0.0', expects: 'be an interface address', schema: z.string() }),
  nodeEnv: text(
    'NODE_ENV',
    '`production` refuses the development secret, requires `ALLOWED_ORIGINS` and a closed `/metrics`, has no default user and turns guest tokens off by default',
  ),
  jwtSecret: variable<string | undefined>({
    name: 'JWT_SECRET',
    doc: 'HS256 secret for verifying tokens and signing those this API issues; in production at least 32 random characters',
    // With a site owner's public key, tokens come from their backend: the public development
    // secret must verify nothing, or anyone could mint a token for any user with it.
    fallback: ({ production, env }) => (production || env.JWT_PUBLIC_KEY?.trim() ? undefined : DEV_JWT_SECRET),
    defaultText: 'a development secret (outside production, and only when `JWT_PUBLIC_KEY` is unset)',
    expects: 'be a secret',
    schema: z.string(),
  }),
  jwtPublicKey: variable<string | undefined>({
    name: 'JWT_PUBLIC_KEY',
    doc: "PEM public key (RSA → RS256, P-256 → ES256) for tokens minted by a site owner's backend; `\\n` escapes accepted",
    fallback: undefined,
    expects: 'be a PEM public key ("-----BEGIN PUBLIC KEY-----" …); \\n escapes are accepted',
    schema: z.string().transform((pem) => pem.replace(/\\n/g, '\n')).pipe(z.string().includes('-----BEGIN PUBLIC KEY-----')),
  }),
  jwtIssuer: text('JWT_ISSUER', 'expected `iss`, checked when set (and written into issued tokens)'),
  jwtAudience: text('JWT_AUDIENCE', 'expected `aud`, checked when set (and written into issued tokens)'),
  jwtMaxAgeS: wholeNumber('JWT_MAX_AGE_S', 86_400, 60, undefined, 'longest token life accepted: issued longer ago, or meant to live longer, and it is refused'),
  tokenTtlS: wholeNumber('TOKEN_TTL_S', 3600, 60, undefined, 'lifetime of `/auth/login` tokens'),
  guestTokenTtlS: wholeNumber('GUEST_TOKEN_TTL_S', 900, 60, undefined, 'lifetime of `/auth/guest` tokens'),
  allowedOrigins: variable({
    name: 'ALLOWED_ORIGINS',
    doc: 'comma-separated exact origins (`https://shop.example.com`); `scheme://host:*` allows any port of that host',
    fallback: ({ production }) => (production ? [] : DEV_ALLOWED_ORIGINS),
    defaultText: '`http://localhost:*,http://127.0.0.1:*` outside production; required in production',
    expects: 'be a list of origins',
    schema: commaList.pipe(z.array(origin)),
  }),
  authUsersPath: text('AUTH_USERS', 'path of a JSON file `[{"username","password_hash"}]`', {
    defaultText: 'the user `test`/`test` outside production; none in production',
  }),
  guestTokens: onOff('GUEST_TOKENS', ({ production }) => !production, '`on` outside production, `off` in production', 'whether `/auth/guest` issues tokens'),
  demoTokenDelayMs: wholeNumber('DEMO_TOKEN_DELAY_MS', 30, 0, 60_000, "pause between the demo agent's words"),
  agent: variable<string>({
    name: 'AGENT',
    doc: 'the agent answering messages that name none: `demo`, `openai`, `anthropic`, `google`, or one of `AGENTS_CONFIG` (see [Agents and models](#agents-and-models))',
    fallback: AGENT_NAME.demo,
    expects: 'name an agent (lower-case letters, digits, - and _)',
    schema: z.string().regex(AGENT_NAME_PATTERN),
  }),
  allowedAgents: variable<string[] | undefined>({
    name: 'AGENTS',
    doc: 'comma-separated agents a request may choose with `metadata.agent`; must include `AGENT`',
    fallback: undefined,
    defaultText: '`AGENT` alone',
    expects: 'name agents, comma-separated',
    schema: commaList.pipe(z.array(z.string().regex(AGENT_NAME_PATTERN))).transform((names) => [...new Set(names)]),
  }),
  agentsConfigPath: text('AGENTS_CONFIG', 'path of a JSON file of named agents (provider, model, system prompt, tools, limits); see [Agents and models](#agents-and-models)'),
  openaiBaseUrl: baseUrl('OPENAI', DEFAULT_BASE_URL.openai, 'root of the OpenAI-compatible API (Chat Completions); `http://localhost:11434/v1` for Ollama'),
  openaiApiKey: text('OPENAI_API_KEY', 'sent as `Authorization: Bearer …`; required for api.openai.com, not for local servers'),
  openaiModel: text('OPENAI_MODEL', 'the model; required when the `openai` agent is allowed'),
  openaiSystemPrompt: systemPrompt('OPENAI'),
  openaiHeaders: headerVariable('OPENAI', 'e.g. `{"api-key":"…"}` for Azure; they can replace `Authorization`'),
  openaiTimeoutMs: firstTokenTimeout('OPENAI'),
  openaiStallMs: stallTimeout('OPENAI'),
  anthropicBaseUrl: baseUrl('ANTHROPIC', DEFAULT_BASE_URL.anthropic, "root of Anthropic's Messages API"),
  anthropicApiKey: text('ANTHROPIC_API_KEY', 'sent as `x-api-key`; required for api.anthropic.com'),
  anthropicModel: text('ANTHROPIC_MODEL', 'the model (`claude-…`); required when the `anthropic` agent is allowed'),
  anthropicSystemPrompt: systemPrompt('ANTHROPIC'),
  anthropicHeaders: headerVariable('ANTHROPIC', 'sent with every request'),
  anthropicTimeoutMs: firstTokenTimeout('ANTHROPIC'),
  anthropicStallMs: stallTimeout('ANTHROPIC'),
  googleBaseUrl: baseUrl('GOOGLE', DEFAULT_BASE_URL.google, "root of Google's Generative Language API"),
  googleApiKey: text('GOOGLE_API_KEY', 'sent as `x-goog-api-key`; required for Google'),
  googleModel: text('GOOGLE_MODEL', 'the model (`gemini-…`); required when the `google` agent is allowed'),
  googleSystemPrompt: systemPrompt('GOOGLE'),
  googleHeaders: headerVariable('GOOGLE', 'sent with every request'),
  googleTimeoutMs: firstTokenTimeout('GOOGLE'),
  googleStallMs: stallTimeout('GOOGLE'),
  mcpConfigPath: text('MCP_CONFIG', 'path of a JSON file `{"mcpServers": {"<name>": {"command", "args", "env"} | {"url", "headers"}}}`: MCP servers whose tools the agents may call'),
  maxToolSteps: wholeNumber('MAX_TOOL_STEPS', 5, 0, 50, 'most rounds of tool calls in one reply; after them the model must answer'),
  toolTimeoutMs: wholeNumber('TOOL_TIMEOUT_MS', 30_000, 100, undefined, 'a tool call running longer fails (its result says so) and the model goes on'),
  toolResultMaxChars: wholeNumber('TOOL_RESULT_MAX_CHARS', 16_384, 100, 1_000_000, "a tool's output is cut to this many characters, for the model and on the wire"),
  quotaTokensPerUserDay: wholeNumber('QUOTA_TOKENS_PER_USER_DAY', 0, 0, undefined, "model tokens a signed-in user may spend per day (UTC); `0` is no quota"),
  quotaTokensPerGuestDay: wholeNumber('QUOTA_TOKENS_PER_GUEST_DAY', 0, 0, undefined, 'model tokens a guest may spend per day (UTC); `0` is no quota'),
  dailyTokenBudget: wholeNumber('DAILY_TOKEN_BUDGET', 0, 0, undefined, 'model tokens all users together may spend per day (UTC); `0` is no budget'),
  chunkFlushMs: wholeNumber('CHUNK_FLUSH_MS', 25, 0, 10_000, 'pieces arriving within this long are sent as one `chunk` event; `0` turns merging off'),
  chunkMaxBytes: wholeNumber('CHUNK_MAX_BYTES', 8192, 1, 1_048_576, 'waiting text is sent once it reaches this many bytes'),
  streamTimeoutMs: wholeNumber('STREAM_TIMEOUT_MS', 300_000, 100, undefined, 'a stream still running after this ends with an `error` event'),
  heartbeatMs: wholeNumber('HEARTBEAT_MS', 15_000, 10, undefined, 'silence after which a `:` comment is sent'),
  maxMessageLength: wholeNumber(
    'MAX_MESSAGE_LENGTH',
    16_384,
    1,
    60_000,
    'longest message, in characters (code points); the largest request body and WebSocket message follow from it: 12 bytes a character (the widest JSON escape, `\\uD83D\\uDE00`) plus 16 KiB',
  ),
  maxReplyChunks: wholeNumber('MAX_REPLY_CHUNKS', 20_000, 1, undefined, 'most chunks in one reply; past it the reply ends with an `error` event'),
  maxReplyBytes: wholeNumber('MAX_REPLY_BYTES', 1_048_576, 1, undefined, 'most bytes of text in one reply; likewise'),
  readerStallMs: wholeNumber('READER_STALL_MS', 30_000, 100, undefined, 'a client that reads nothing for this long is disconnected (it can resume)'),
  streamRetentionS: wholeNumber('STREAM_RETENTION_S', 600, 1, undefined, 'how long a finished stream stays readable'),
  conversationStore: oneOf(
    'CONVERSATION_STORE',
    CONVERSATION_STORES,
    'auto',
    'where conversations are kept: `auto` is PostgreSQL when `DATABASE_URL` is set, else Redis when `REDIS_URL` is, else PGlite in `DATA_DIR`; `sql` forces SQL; `memory` is for tests (gone at restart)',
  ),
  databaseUrl: variable<string | undefined>({
    name: 'DATABASE_URL',
    doc: 'keep conversations in this PostgreSQL database (several instances); migrations run at start-up',
    fallback: undefined,
    expects: 'start with postgres:// or postgresql://',
    schema: z.string().regex(/^postgres(ql)?:\/\//),
  }),
  dataDir: variable<string>({
    name: 'DATA_DIR',
    doc: 'where the embedded database (PGlite) keeps conversations when `DATABASE_URL` is unset; one process at a time',
    fallback: './data',
    expects: 'be a directory path',
    schema: z.string(),
  }),
  conversationRetentionDays: variable<number>({
    name: 'CONVERSATION_RETENTION_DAYS',
    doc: 'a conversation is deleted this many days after its last message; `0` keeps them; fractions accepted',
    fallback: 30,
    expects: 'be a number of days of at least 0',
    schema: z.string().regex(/^\d+(\.\d+)?$/).transform(Number).pipe(z.number().min(0).max(36_500)),
  }),
  redisUrl: variable<string | undefined>({
    name: 'REDIS_URL',
    doc: 'keep live streams, rate limits and quotas in Redis (several instances); conversations too, unless `DATABASE_URL` is set',
    fallback: undefined,
    expects: 'start with redis:// or rediss://',
    schema: z.string().regex(/^rediss?:\/\//),
  }),
  redisClusterNodes: variable<string[] | undefined>({
    name: 'REDIS_CLUSTER_NODES',
    doc: 'instead of `REDIS_URL`: `host:port` of some nodes of a Redis Cluster (or Valkey cluster), comma-separated; conversations then need `DATABASE_URL`',
    fallback: undefined,
    expects: 'be a comma-separated list of host:port',
    schema: commaList.pipe(z.array(z.string().regex(/^[^\s:,]+:\d{1,5}$/)).min(1)),
  }),
  logLevel: oneOf('LOG_LEVEL', LOG_LEVELS, 'info', '`fatal`, `error`, `warn`, `info`, `debug`, `trace` or `silent`'),
  logPretty: onOff(
    'LOG_PRETTY',
    ({ production }) => !production && Boolean(process.stdout.isTTY),
    '`on` outside production when stdout is a terminal',
    'human-readable log lines (pino-pretty) instead of JSON',
  ),
  metricsToken: text('METRICS_TOKEN', '`/metrics` requires `Authorization: Bearer <METRICS_TOKEN>`; production needs this or `METRICS_PORT`'),
  metricsPort: optionalWholeNumber('METRICS_PORT', 1, 65535, 'serve `/metrics` on this port only (not on `PORT`)'),
  rateLimitPerMinute: wholeNumber('RATE_LIMIT_PER_MINUTE', 30, 1, undefined, 'new messages per user per minute, over HTTP and WebSocket together (resumes do not count)'),
  loginRateLimitPerMinute: wholeNumber('LOGIN_RATE_LIMIT_PER_MINUTE', 10, 1, undefined, '`/auth/login` attempts per IP per minute'),
  guestRateLimitPerMinute: wholeNumber('GUEST_RATE_LIMIT_PER_MINUTE', 30, 1, undefined, '`/auth/guest` tokens per IP per minute'),
  maxConcurrentStreamsPerUser: wholeNumber('MAX_CONCURRENT_STREAMS_PER_USER', 5, 1, undefined, 'open streams per user on one instance (429 past it)'),
  maxOpenStreams: wholeNumber('MAX_OPEN_STREAMS', 10_000, 1, undefined, 'open streams on one instance (503 with `Retry-After` past it)'),
  wsMessagesPerMinute: wholeNumber(
    'WS_MESSAGES_PER_MINUTE',
    120,
    4,
    undefined,
    'messages one WebSocket may send per minute (bursts of a quarter of it); past it the socket is closed with 1008',
  ),
  wsMaxBufferedBytes: wholeNumber('WS_MAX_BUFFERED_BYTES', 1_048_576, 65_536, undefined, 'bytes the API may leave unsent on one WebSocket before it cuts that socket'),
  maxConcurrentGuestStreamsPerIp: wholeNumber(
    'MAX_CONCURRENT_GUEST_STREAMS_PER_IP',
    20,
    1,
    undefined,
    'open streams of the guests from one client address on one instance (429 past it)',
  ),
  guestIdentitiesPerIpPerHour: wholeNumber(
    'GUEST_IDENTITIES_PER_IP_PER_HOUR',
    60,
    1,
    undefined,
    'new guest identities `/auth/guest` issues per client address per hour (renewals do not count)',
  ),
  maxConversations: wholeNumber(
    'MAX_CONVERSATIONS',
    10_000,
    1,
    undefined,
    'conversations the memory store keeps; past it a new one gets 503 `store_full` (see [Memory bounds](#memory-bounds))',
  ),
  maxConversationsPerUser: wholeNumber(
    'MAX_CONVERSATIONS_PER_USER',
    100,
    1,
    undefined,
    'conversations one user keeps in the memory store; past it their least recently active idle one is dropped',
  ),
  maxRetainedStreams: wholeNumber(
    'MAX_RETAINED_STREAMS',
    10_000,
    1,
    undefined,
    'streams the memory log keeps, live or finished; past it the oldest finished one is dropped, or a new one gets 503 when all are live',
  ),
  maxRetainedStreamsPerUser: wholeNumber(
    'MAX_RETAINED_STREAMS_PER_USER',
    50,
    1,
    undefined,
    'finished (resumable) streams one user keeps in the memory log; past it their oldest is dropped',
  ),
  workers: variable<number>({
    name: 'WORKERS',
    doc: 'API processes on this host sharing `PORT` (`node:cluster`); `auto` is one per core. Above 1 it needs `REDIS_URL`, and conversations in PostgreSQL or Redis',
    fallback: 1,
    expects: 'be a whole number from 1 to 256, or auto',
    schema: z
      .string()
      .regex(/^(auto|\d+)$/)
      .transform((value) => (value === 'auto' ? availableParallelism() : Number(value)))
      .pipe(z.number().int().min(1).max(256)),
  }),
  shutdownGraceMs: wholeNumber('SHUTDOWN_GRACE_MS', 10_000, 0, undefined, 'on SIGTERM/SIGINT, how long running replies may take to finish'),
  headersTimeoutMs: wholeNumber('HEADERS_TIMEOUT_MS', 10_000, 100, undefined, "a request's headers must arrive within this"),
  requestTimeoutMs: wholeNumber('REQUEST_TIMEOUT_MS', 30_000, 100, undefined, 'a whole request (headers and body) must arrive within this'),
  trustProxy: variable<boolean | number | string>({
    name: 'TRUST_PROXY',
    doc: 'Express `trust proxy` so per-IP limits see the client behind a proxy: the number of proxies (`1`), or their addresses and subnets (`loopback`, `10.0.0.0/8`, comma-separated); `on` trusts any proxy and is refused in production, since clients could then choose their own address',
    fallback: false,
    defaultText: 'off',
    expects: 'be off, a number of proxies, or addresses',
    schema: trustProxy,
  }),
} satisfies Record<string, EnvVariable<unknown>>;

/** The value of each variable. */
export type VariableValues = { [K in keyof typeof VARIABLES]: ReturnType<(typeof VARIABLES)[K]['read']> };
