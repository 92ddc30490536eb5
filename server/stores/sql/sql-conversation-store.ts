import {
  ConversationBusyError,
  encodeCursor,
  titleFrom,
  type Conversation,
  type ConversationMessage,
  type ConversationPage,
  type ConversationStore,
  type ListCursor,
  type MessageFeedback,
  type RevisionStart,
  type RevisionTurn,
  type TurnEnding,
  type TurnStart,
} from '../conversation-store.js';
import { leafForVersion, RevisionError, shownPath, turnNodes, type TreeMessage, type TurnNodeInput, type TurnNodes } from '../message-tree.js';
import { migrate } from './migrations.js';
import type { SqlClient, SqlQueries } from './sql-client.js';

/** Options for {@link SqlConversationStore.open}. */
export interface SqlConversationStoreOptions {
  /** A conversation is deleted this many days after its last turn began; 0 keeps them. Defaults to 30. */
  retentionDays?: number;
  /**
   * How long a reply may hold its conversation, in seconds, before the lock lapses: a producer
   * that died without ending its turn frees the conversation then. Defaults to 360.
   */
  turnTtlS?: number;
  /**
   * Ends, as errors, the replies left streaming by a previous run. Only for a database this process
   * alone uses (the embedded one): with a shared one, those replies may be another instance's.
   */
  endRepliesLeftStreaming?: boolean;
}

/** How often expired conversations are deleted, in ms. */
const SWEEP_INTERVAL_MS = 3_600_000;

const BUSY = 'A reply is still streaming in this conversation.';

interface ConversationRow {
  id: string;
  owner: string;
  title: string;
  leaf_id: string | null;
  reply_stream_id: string | null;
  reply_deadline: Date | null;
}

interface MessageRow {
  id: string;
  parent_id: string | null;
  role: 'user' | 'assistant';
  content: string;
  status: ConversationMessage['status'];
  created_at: Date;
  stream_id: string | null;
  parts: ConversationMessage['parts'] | null;
  agent: string | null;
  feedback: MessageFeedback | null;
}

/**
 * Conversations in SQL: PGlite (the embedded default, in `DATA_DIR`) or PostgreSQL
 * (`DATABASE_URL`, shared by several instances), one implementation for both. Every message is a
 * row with its parent, so regenerated replies and edited messages are versions side by side; the
 * conversation row holds the leaf of the path it shows and the one-reply-at-a-time lock, taken in
 * the same transaction that adds the turn's messages (`SELECT … FOR UPDATE` orders instances).
 */
export class SqlConversationStore implements ConversationStore {
  private readonly retentionMs: number;
  private readonly turnTtlMs: number;
  private sweeper: NodeJS.Timeout | undefined;

  private constructor(
    private readonly db: SqlClient,
    options: SqlConversationStoreOptions,
  ) {
    this.retentionMs = (options.retentionDays ?? 30) * 86_400_000;
    this.turnTtlMs = (options.turnTtlS ?? 360) * 1000;
  }

  /** Migrates `db`, ends what a previous run left (if asked), deletes expired conversations, and keeps deleting them hourly. */
  static async open(db: SqlClient, options: SqlConversationStoreOptions = {}): Promise<SqlConversationStore> {
    await migrate(db);
    const store = new SqlConversationStore(db, options);
    if (options.endRepliesLeftStreaming) await store.endRepliesLeftStreaming();
    await store.dropExpired();
    if (store.retentionMs > 0) store.sweeper = setInterval(() => void store.dropExpired().catch(() => undefined), SWEEP_INTERVAL_MS).unref();
    return store;
  }

  async get(conversationId: string): Promise<Conversation | undefined> {
    const row = (await this.db.query<ConversationRow>('SELECT id, owner, title, leaf_id FROM conversations WHERE id = $1 AND updated_at > $2', [conversationId, this.cutoff()])).rows[0];
    if (!row) return undefined;
    return { conversationId: row.id, owner: row.owner, title: row.title, messages: shownPath(await messagesOf(this.db, conversationId), row.leaf_id) };
  }

  async beginTurn(turn: TurnStart): Promise<ConversationMessage[]> {
    const now = new Date().toISOString();
    return this.db.transaction(async (tx) => {
      // Expired but not yet swept: the id starts afresh.
      await tx.query('DELETE FROM conversations WHERE id = $1 AND updated_at <= $2', [turn.conversationId, this.cutoff()]);
      await tx.query('INSERT INTO conversations (id, owner, title, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) ON CONFLICT (id) DO NOTHING', [
        turn.conversationId,
        turn.owner,
        titleFrom(turn.userMessage),
        now,
      ]);
      return (await this.addTurn(tx, turn.conversationId, turn, now)).history;
    });
  }

  async revise(turn: RevisionStart): Promise<RevisionTurn> {
    const { history, userMessage } = await this.db.transaction((tx) => this.addTurn(tx, turn.conversationId, turn, new Date().toISOString()));
    return { history, userMessage };
  }

  async endTurn(conversationId: string, streamId: string, { content, parts, status }: TurnEnding): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query("UPDATE messages SET content = $3, status = $4, parts = $5::jsonb WHERE conversation_id = $1 AND stream_id = $2 AND status = 'streaming'", [
        conversationId,
        streamId,
        content,
        status,
        parts ? JSON.stringify(parts) : null,
      ]);
      await tx.query('UPDATE conversations SET reply_stream_id = NULL, reply_deadline = NULL WHERE id = $1 AND reply_stream_id = $2', [conversationId, streamId]);
    });
  }

  async select(conversationId: string, owner: string, messageId: string, index: number): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const row = await lockConversation(tx, conversationId);
      if (row?.owner !== owner) return false;
      if (this.lockHeld(row)) throw new ConversationBusyError(BUSY);
      const leaf = leafForVersion(await messagesOf(tx, conversationId), messageId, index);
      await tx.query('UPDATE conversations SET leaf_id = $2 WHERE id = $1', [conversationId, leaf]);
      return true;
    });
  }

  async list(owner: string, limit: number, cursor?: ListCursor): Promise<ConversationPage> {
    const { rows } = await this.db.query<{ id: string; title: string; created_at: Date; updated_at: Date }>(
      `SELECT id, title, created_at, updated_at FROM conversations
        WHERE owner = $1 AND updated_at > $2 AND ($3::timestamptz IS NULL OR (updated_at, id) < ($3::timestamptz, $4::text))
        ORDER BY updated_at DESC, id DESC LIMIT $5`,
      [owner, this.cutoff(), cursor ? new Date(cursor.updatedAtMs).toISOString() : null, cursor?.conversationId ?? '', limit + 1],
    );
    const conversations = rows.slice(0, limit).map((row) => ({ conversationId: row.id, title: row.title, createdAt: row.created_at.toISOString(), updatedAt: row.updated_at.toISOString() }));
    const last = conversations.at(-1);
    return rows.length > limit && last ? { conversations, nextCursor: encodeCursor({ updatedAtMs: Date.parse(last.updatedAt), conversationId: last.conversationId }) } : { conversations };
  }

  async rename(conversationId: string, owner: string, title: string): Promise<boolean> {
    const { changed } = await this.db.query('UPDATE conversations SET title = $3 WHERE id = $1 AND owner = $2 AND updated_at > $4', [conversationId, owner, title, this.cutoff()]);
    return changed > 0;
  }

  async remove(conversationId: string, owner: string): Promise<boolean> {
    const { changed } = await this.db.query('DELETE FROM conversations WHERE id = $1 AND owner = $2', [conversationId, owner]);
    return changed > 0;
  }

  async rate(conversationId: string, owner: string, messageId: string, feedback: MessageFeedback): Promise<{ agent: string } | undefined> {
    const { rows } = await this.db.query<{ agent: string | null }>(
      `UPDATE messages m SET feedback = $4::jsonb FROM conversations c
        WHERE m.conversation_id = $1 AND m.id = $3 AND m.role = 'assistant' AND c.id = m.conversation_id AND c.owner = $2
        RETURNING m.agent`,
      [conversationId, owner, messageId, JSON.stringify(feedback)],
    );
    return rows[0] ? { agent: rows[0].agent ?? '' } : undefined;
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    await this.db.close();
  }

  /** Deletes the conversations past their retention (their messages go with them). */
  async dropExpired(): Promise<void> {
    if (this.retentionMs > 0) await this.db.query('DELETE FROM conversations WHERE updated_at <= $1', [this.cutoff()]);
  }

  /** Adds a turn's messages under the conversation's lock and takes the lock for its reply. */
  private async addTurn(tx: SqlQueries, conversationId: string, turn: TurnNodeInput, now: string): Promise<TurnNodes> {
    const row = await lockConversation(tx, conversationId);
    if (!row) throw new RevisionError('nothing_to_regenerate', 'The conversation has no reply to regenerate or message to edit yet.');
    if (this.lockHeld(row)) throw new ConversationBusyError(BUSY);
    // A lapsed lock: its producer died without ending the reply.
    if (row.reply_stream_id) await tx.query("UPDATE messages SET status = 'error' WHERE conversation_id = $1 AND stream_id = $2 AND status = 'streaming'", [conversationId, row.reply_stream_id]);
    const messages = await messagesOf(tx, conversationId);
    const nodes = turnNodes(messages, row.leaf_id, turn, now);
    let position = messages.length;
    for (const message of nodes.added) await insertMessage(tx, conversationId, message, position++);
    await tx.query('UPDATE conversations SET leaf_id = $2, reply_stream_id = $3, reply_deadline = $4, updated_at = $5 WHERE id = $1', [
      conversationId,
      nodes.reply.id,
      turn.streamId,
      new Date(Date.parse(now) + this.turnTtlMs).toISOString(),
      now,
    ]);
    return nodes;
  }

  private lockHeld(row: ConversationRow): boolean {
    return row.reply_stream_id !== null && row.reply_deadline !== null && row.reply_deadline.getTime() > Date.now();
  }

  /** The oldest `updated_at` a kept conversation may have. */
  private cutoff(): string {
    return new Date(this.retentionMs > 0 ? Date.now() - this.retentionMs : 0).toISOString();
  }

  private async endRepliesLeftStreaming(): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query("UPDATE messages SET status = 'error' WHERE status = 'streaming'");
      await tx.query('UPDATE conversations SET reply_stream_id = NULL, reply_deadline = NULL WHERE reply_stream_id IS NOT NULL');
    });
  }
}

async function lockConversation(tx: SqlQueries, conversationId: string): Promise<ConversationRow | undefined> {
  return (await tx.query<ConversationRow>('SELECT id, owner, title, leaf_id, reply_stream_id, reply_deadline FROM conversations WHERE id = $1 FOR UPDATE', [conversationId])).rows[0];
}

/** Every message of a conversation, in the order they were made. */
async function messagesOf(db: SqlQueries, conversationId: string): Promise<TreeMessage[]> {
  const { rows } = await db.query<MessageRow>(
    'SELECT id, parent_id, role, content, status, created_at, stream_id, parts, agent, feedback FROM messages WHERE conversation_id = $1 ORDER BY position',
    [conversationId],
  );
  return rows.map((row) => ({
    id: row.id,
    parent_id: row.parent_id,
    role: row.role,
    content: row.content,
    status: row.status,
    created_at: row.created_at.toISOString(),
    ...(row.stream_id ? { stream_id: row.stream_id } : {}),
    ...(row.parts ? { parts: row.parts } : {}),
    ...(row.agent ? { agent: row.agent } : {}),
    ...(row.feedback ? { feedback: row.feedback } : {}),
  }));
}

async function insertMessage(tx: SqlQueries, conversationId: string, message: TreeMessage, position: number): Promise<void> {
  await tx.query(
    `INSERT INTO messages (conversation_id, id, position, parent_id, role, content, status, created_at, stream_id, agent)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [conversationId, message.id, position, message.parent_id, message.role, message.content, message.status, message.created_at, message.stream_id ?? null, message.agent ?? null],
  );
}
