import type { Config } from '../config.js';

/** Where conversations are kept. */
export type ConversationsKind = 'postgres' | 'pglite' | 'redis' | 'memory';

/** Where `config` says conversations go (see `CONVERSATION_STORE`). */
export function conversationsKind(config: Config): ConversationsKind {
  switch (config.conversationStore) {
    case 'memory':
    case 'redis':
      return config.conversationStore;
    case 'sql':
      return config.databaseUrl ? 'postgres' : 'pglite';
    default:
      return config.databaseUrl ? 'postgres' : config.redis ? 'redis' : 'pglite';
  }
}
