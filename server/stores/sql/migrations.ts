import type { SqlClient } from './sql-client.js';

/**
 * The schema, one step per entry, applied in order and never edited once released: a change is a
 * new step. `ngx_chat_migrations` records the steps a database has.
 */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE conversations (
     id text PRIMARY KEY,
     owner text NOT NULL,
     title text NOT NULL,
     created_at timestamptz NOT NULL,
     updated_at timestamptz NOT NULL,
     -- The last message of the path the conversation shows.
     leaf_id text,
     -- The one-reply-at-a-time lock: the stream writing a reply, and when the lock lapses if nobody ends it.
     reply_stream_id text,
     reply_deadline timestamptz
   );
   CREATE INDEX conversations_by_owner ON conversations (owner, updated_at DESC, id DESC);
   CREATE INDEX conversations_by_activity ON conversations (updated_at);
   CREATE TABLE messages (
     conversation_id text NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
     id text NOT NULL,
     -- Creation order within the conversation.
     position integer NOT NULL,
     parent_id text,
     role text NOT NULL CHECK (role IN ('user', 'assistant')),
     content text NOT NULL,
     status text NOT NULL CHECK (status IN ('completed', 'cancelled', 'error', 'streaming')),
     created_at timestamptz NOT NULL,
     stream_id text,
     parts jsonb,
     agent text,
     feedback jsonb,
     PRIMARY KEY (conversation_id, id)
   );
   CREATE INDEX messages_by_stream ON messages (conversation_id, stream_id) WHERE stream_id IS NOT NULL;`,
];

/** Any number, the same in every instance: instances starting together take turns migrating. */
const MIGRATION_LOCK = 7_270_119;

/** Brings the database's schema up to date; returns how many steps it applied. */
export async function migrate(db: SqlClient): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.query('CREATE TABLE IF NOT EXISTS ngx_chat_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
    const { rows } = await tx.query<{ version: number }>('SELECT coalesce(max(version), 0) AS version FROM ngx_chat_migrations');
    const current = Number(rows[0]?.version ?? 0);
    for (let version = current + 1; version <= MIGRATIONS.length; version++) {
      await tx.exec(MIGRATIONS[version - 1]);
      await tx.query('INSERT INTO ngx_chat_migrations (version) VALUES ($1)', [version]);
    }
    return Math.max(0, MIGRATIONS.length - current);
  });
}
