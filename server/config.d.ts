/**
 * The API's configuration, read from environment variables once at start-up.
 * A bad value throws a {@link ConfigError} naming the variable and what it expects,
 * so the process stops before it serves a single request.
 */
/** The development-only JWT secret; production refuses to start with it. */
export declare const DEV_JWT_SECRET = "ngx-chat-development-secret-do-not-use-in-production";
/** Origins allowed when `ALLOWED_ORIGINS` is unset outside production: any port on localhost. */
declare const DEV_ALLOWED_ORIGINS: string[];
/** Thrown when an environment variable is missing or malformed; the message says what to set. */
export declare class ConfigError extends Error {
    name: string;
}
/** The built-in agents, by the name `AGENT`, `AGENTS` and `metadata.agent` use. */
export declare const AGENT_NAME: {
    readonly demo: 'demo';
    readonly openai: 'openai';
};
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
/**
 * Reads and validates the configuration from `env`.
 * @throws ConfigError naming the variable to fix.
 */
export declare function loadConfig(env?: Env): Config;
export { DEV_ALLOWED_ORIGINS };
