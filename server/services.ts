import { setMaxListeners } from 'node:events';
import type { Agent } from './agents/agent.js';
import { DemoAgent } from './agents/demo-agent.js';
import { TokenIssuer } from './auth/token-issuer.js';
import { TokenVerifier } from './auth/token-verifier.js';
import { UserStore } from './auth/user-store.js';
import type { Config } from './config.js';
import { createLogger, type Logger } from './logger.js';
import type { ConversationStore } from './stores/conversation-store.js';
import type { EventLog } from './stores/event-log.js';
import { MemoryConversationStore } from './stores/memory-conversation-store.js';
import { MemoryEventLog } from './stores/memory-event-log.js';

/** Everything the routes share: configuration, auth, stores, the agent, and running jobs. */
export interface Services {
  config: Config;
  log: Logger;
  users: UserStore | undefined;
  verifier: TokenVerifier;
  issuer: TokenIssuer | undefined;
  events: EventLog;
  conversations: ConversationStore;
  agent: Agent;
  /** Fires when the process shuts down; running generations stop. */
  shutdownSignal: AbortSignal;
  /** Keeps a background job until it settles, logging its failure. */
  track(job: Promise<void>): void;
  /** Stops running jobs, waits for them, and closes the stores. */
  close(): Promise<void>;
}

/** Parts a caller (a test, or a later issue's wiring) may supply instead of the defaults. */
export type ServiceOverrides = Partial<Pick<Services, 'log' | 'users' | 'events' | 'conversations' | 'agent'>>;

/** Builds the services for `config`: in-memory stores and the demo agent unless overridden. */
export async function createServices(config: Config, overrides: ServiceOverrides = {}): Promise<Services> {
  const log = overrides.log ?? createLogger(config.logLevel);
  const users = overrides.users ?? (config.authUsersPath ? UserStore.fromFile(config.authUsersPath) : config.production ? undefined : await UserStore.development());
  const shutdown = new AbortController();
  // Every running generation listens to this one signal; thousands at once are expected.
  setMaxListeners(0, shutdown.signal);
  const jobs = new Set<Promise<void>>();
  const events = overrides.events ?? new MemoryEventLog({ retentionS: config.streamRetentionS });
  const conversations = overrides.conversations ?? new MemoryConversationStore({ ttlS: config.conversationTtlS });
  return {
    config,
    log,
    users,
    verifier: new TokenVerifier({ secret: config.jwtSecret, publicKey: config.jwtPublicKey, issuer: config.jwtIssuer, audience: config.jwtAudience }),
    issuer: config.jwtSecret ? new TokenIssuer({ secret: config.jwtSecret, issuer: config.jwtIssuer, audience: config.jwtAudience }) : undefined,
    events,
    conversations,
    agent: overrides.agent ?? new DemoAgent(config.demoTokenDelayMs),
    shutdownSignal: shutdown.signal,
    track(job) {
      const settled = job.catch((err: unknown) => log.error({ err }, 'background job failed')).finally(() => jobs.delete(settled));
      jobs.add(settled);
    },
    async close() {
      shutdown.abort();
      await Promise.all(jobs);
      await events.close();
      await conversations.close();
    },
  };
}
