import { setTimeout as sleep } from 'node:timers/promises';
import type { Agent } from './agents/agent.js';
import { createOrchestrator } from './agents/create-orchestrator.js';
import type { Orchestrator } from './agents/orchestrator.js';
import { TokenIssuer } from './auth/token-issuer.js';
import type { Authenticate } from './auth/require-auth.js';
import { TokenVerifier } from './auth/token-verifier.js';
import { UserStore } from './auth/user-store.js';
import type { Config } from './config.js';
import { createLogger, type Logger } from './ops/logger.js';
import { Metrics } from './ops/metrics.js';
import { memoryCounters, messageRateLimit, redisCounters, type RateLimit, type RateLimitCounters } from './http/rate-limits.js';
import { OpenStreams } from './chat/open-streams.js';
import { StreamService } from './chat/stream-service.js';
import { memoryTokenCounters, redisTokenCounters, TokenQuotas } from './chat/token-quotas.js';
import type { ConversationStore } from './stores/conversation-store.js';
import { createStores } from './stores/create-stores.js';
import type { EventLog } from './stores/event-log.js';
import { McpTools } from './tools/mcp-tools.js';

/** Everything the routes share: configuration, auth, stores, the agents, and running jobs. */
export interface Services {
  config: Config;
  log: Logger;
  users: UserStore | undefined;
  /** The host app's sign-in, when the API is mounted in one (`createChatApi`); asked before tokens. */
  authenticate: Authenticate | undefined;
  verifier: TokenVerifier;
  issuer: TokenIssuer | undefined;
  events: EventLog;
  conversations: ConversationStore;
  /** Prometheus metrics of this instance. */
  metrics: Metrics;
  /** Stream responses open on this instance, with their caps. */
  openStreams: OpenStreams;
  /** True once shutdown has begun: the instance reports not ready. */
  readonly draining: boolean;
  /** Ready to serve: not draining, and the stores reachable. */
  ready(): Promise<boolean>;
  /** Begins a graceful shutdown: not ready from now on; running replies may still finish. */
  drain(): void;
  /** Waits for the running replies to finish, up to `ms`; true when they all did. */
  settle(ms: number): Promise<boolean>;
  /** Where rate-limit counts live: Redis when configured (one limit across instances, per instance while it is down), else this process. */
  rateLimitCounters: RateLimitCounters;
  /** `RATE_LIMIT_PER_MINUTE`: new messages per user, counted once for HTTP and WebSocket. */
  messageLimit: RateLimit;
  /** Picks the agent for each message. */
  orchestrator: Orchestrator;
  /** The MCP servers of `MCP_CONFIG` and their tools. */
  tools: McpTools;
  /** Token quotas per user and guest per day, and the daily budget. */
  quotas: TokenQuotas;
  /** Starts, resumes and stops streams, for both transports. */
  readonly streams: StreamService;
  /**
   * Calls `stop` when the process shuts down (running generations stop); returns the function
   * that unregisters it. A set rather than listeners on one AbortSignal: its EventTarget walks
   * every listener on each add and remove, which grows with the streams held open.
   */
  onShutdown(stop: () => void): () => void;
  /** Keeps a background job until it settles, logging its failure. */
  track(job: Promise<void>): void;
  /** Stops running jobs, waits for them, and closes the stores. */
  close(): Promise<void>;
}

/** How long closing waits for open readers to write the terminal events of their streams. */
const READER_DRAIN_MS = 2000;

/** Parts a caller (a test, or a later issue's wiring) may supply instead of the defaults. */
export type ServiceOverrides = Partial<Pick<Services, 'log' | 'users' | 'events' | 'conversations' | 'metrics' | 'authenticate'>> & {
  /** The only agent, replacing those `AGENT` and `AGENTS` configure. */
  agent?: Agent;
};

/** Builds the services for `config`: stores in Redis when `REDIS_URL` is set (else in memory) and the agents `AGENT` and `AGENTS` name, unless overridden. */
export async function createServices(config: Config, overrides: ServiceOverrides = {}): Promise<Services> {
  const log = overrides.log ?? createLogger(config.logLevel, undefined, config.logPretty);
  const users = overrides.users ?? (config.authUsersPath ? UserStore.fromFile(config.authUsersPath) : config.production ? undefined : await UserStore.development());
  const shutdownHooks = new Set<() => void>();
  let shutDown = false;
  const jobs = new Set<Promise<void>>();
  const metrics = overrides.metrics ?? new Metrics();
  const stores = await createStores(config, log, overrides);
  const { events, conversations } = stores;
  let draining = false;
  const openStreams = new OpenStreams({ perUser: config.maxConcurrentStreamsPerUser, perGuestAddress: config.maxConcurrentGuestStreamsPerIp, total: config.maxOpenStreams });
  const rateLimitCounters = stores.redis ? redisCounters(stores.redis) : memoryCounters;
  const messageLimit = messageRateLimit(config.rateLimitPerMinute, { counters: rateLimitCounters, log });
  const tools = await McpTools.start(
    config.mcpServers,
    {
      timeoutMs: config.toolTimeoutMs,
      maxResultChars: config.toolResultMaxChars,
      observe: (tool, status, seconds) => {
        metrics.toolCalls.inc({ tool, status });
        metrics.toolCallDuration.observe({ tool }, seconds);
      },
    },
    log,
  );
  const quotas = new TokenQuotas(
    { perUserDay: config.quotaTokensPerUserDay, perGuestDay: config.quotaTokensPerGuestDay, dailyBudget: config.dailyTokenBudget },
    stores.redis ? redisTokenCounters(stores.redis) : memoryTokenCounters(),
    log,
  );
  const toolSelections = new Map(config.agents.map((agent) => [agent.name, agent.tools]));
  const services: Services = {
    config,
    log,
    users,
    authenticate: overrides.authenticate,
    verifier: new TokenVerifier({ secret: config.jwtSecret, publicKey: config.jwtPublicKey, issuer: config.jwtIssuer, audience: config.jwtAudience, maxAgeS: config.jwtMaxAgeS }),
    issuer: config.jwtSecret ? new TokenIssuer({ secret: config.jwtSecret, issuer: config.jwtIssuer, audience: config.jwtAudience }) : undefined,
    events,
    conversations,
    metrics,
    openStreams,
    get draining() {
      return draining;
    },
    async ready() {
      return !draining && (await stores.ping());
    },
    drain() {
      draining = true;
    },
    async settle(ms) {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
      const done = Promise.all(jobs).then(() => true);
      const settled = await Promise.race([done, timedOut]);
      clearTimeout(timer);
      return settled;
    },
    rateLimitCounters,
    messageLimit,
    orchestrator: createOrchestrator(
      config,
      log,
      {
        countFailure: (agent, reason) => metrics.agentFailures.inc({ agent, reason }),
        toolsFor: (agent) => tools.toolBoxFor(toolSelections.get(agent) ?? '*'),
      },
      overrides.agent,
    ),
    tools,
    quotas,
    // Made once the services exist, since it works with them; read-only from then on.
    get streams() {
      return streams;
    },
    onShutdown(stop) {
      if (shutDown) stop();
      else shutdownHooks.add(stop);
      return () => shutdownHooks.delete(stop);
    },
    track(job) {
      const settled = job.catch((err: unknown) => log.error({ err }, 'background job failed')).finally(() => jobs.delete(settled));
      jobs.add(settled);
    },
    async close() {
      shutDown = true;
      for (const stop of shutdownHooks) stop();
      shutdownHooks.clear();
      await Promise.all(jobs);
      // Readers still hold the last events (each job ended with a terminal one); let them write them.
      for (let waited = 0; openStreams.size > 0 && waited < READER_DRAIN_MS; waited += 10) await sleep(10);
      await Promise.all([stores.close(), tools.close()]);
    },
  };
  const streams = new StreamService(services);
  return services;
}
