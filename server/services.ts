import { setMaxListeners } from 'node:events';
import type { Agent } from './agents/agent.js';
import { createOrchestrator } from './agents/create-orchestrator.js';
import type { Orchestrator } from './agents/orchestrator.js';
import { TokenIssuer } from './auth/token-issuer.js';
import { TokenVerifier } from './auth/token-verifier.js';
import { UserStore } from './auth/user-store.js';
import type { Config } from './config.js';
import { createLogger, type Logger } from './logger.js';
import type { ConversationStore } from './stores/conversation-store.js';
import { createStores } from './stores/create-stores.js';
import type { EventLog } from './stores/event-log.js';

/** Everything the routes share: configuration, auth, stores, the agents, and running jobs. */
export interface Services {
  config: Config;
  log: Logger;
  users: UserStore | undefined;
  verifier: TokenVerifier;
  issuer: TokenIssuer | undefined;
  events: EventLog;
  conversations: ConversationStore;
  /** Picks the agent for each message. */
  orchestrator: Orchestrator;
  /** Fires when the process shuts down; running generations stop. */
  shutdownSignal: AbortSignal;
  /** Keeps a background job until it settles, logging its failure. */
  track(job: Promise<void>): void;
  /** Stops running jobs, waits for them, and closes the stores. */
  close(): Promise<void>;
}

/** Parts a caller (a test, or a later issue's wiring) may supply instead of the defaults. */
export type ServiceOverrides = Partial<Pick<Services, 'log' | 'users' | 'events' | 'conversations'>> & {
  /** The only agent, replacing those `AGENT` and `AGENTS` configure. */
  agent?: Agent;
};

/** Builds the services for `config`: stores in Redis when `REDIS_URL` is set (else in memory) and the agents `AGENT` and `AGENTS` name, unless overridden. */
export async function createServices(config: Config, overrides: ServiceOverrides = {}): Promise<Services> {
  const log = overrides.log ?? createLogger(config.logLevel);
  const users = overrides.users ?? (config.authUsersPath ? UserStore.fromFile(config.authUsersPath) : config.production ? undefined : await UserStore.development());
  const shutdown = new AbortController();
  // Every running generation listens to this one signal; thousands at once are expected.
  setMaxListeners(0, shutdown.signal);
  const jobs = new Set<Promise<void>>();
  const stores = createStores(config, log, overrides);
  const { events, conversations } = stores;
  return {
    config,
    log,
    users,
    verifier: new TokenVerifier({ secret: config.jwtSecret, publicKey: config.jwtPublicKey, issuer: config.jwtIssuer, audience: config.jwtAudience }),
    issuer: config.jwtSecret ? new TokenIssuer({ secret: config.jwtSecret, issuer: config.jwtIssuer, audience: config.jwtAudience }) : undefined,
    events,
    conversations,
    orchestrator: createOrchestrator(config, log, overrides.agent),
    shutdownSignal: shutdown.signal,
    track(job) {
      const settled = job.catch((err: unknown) => log.error({ err }, 'background job failed')).finally(() => jobs.delete(settled));
      jobs.add(settled);
    },
    async close() {
      shutdown.abort();
      await Promise.all(jobs);
      await stores.close();
    },
  };
}
