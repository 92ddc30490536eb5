import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConversationBusyError } from '../../../../server/stores/conversation-store.js';
import { DataDirInUseError, openPglite } from '../../../../server/stores/sql/pglite-client.js';
import { openPostgres } from '../../../../server/stores/sql/postgres-client.js';
import type { SqlClient } from '../../../../server/stores/sql/sql-client.js';
import { SqlConversationStore, type SqlConversationStoreOptions } from '../../../../server/stores/sql/sql-conversation-store.js';
import { StoreUnavailableError } from '../../../../server/stores/store-errors.js';
import { postgresAvailable, startTestPostgres, type TestPostgres } from '../../../support/postgres-server.js';
import { defineConversationStoreContract } from '../conversation-store.contract.js';
import { eventually } from '../eventually.js';
import { defineVersionsContract } from '../versions.contract.js';

/** The contract's TTL in seconds, as retention in days. */
const storeOptions = ({ ttlS }: { ttlS?: number }): SqlConversationStoreOptions => (ttlS === undefined ? {} : { retentionDays: ttlS / 86_400 });

/** `db` with a close that leaves it open: several stores in a test file share one PGlite. */
const shared = (db: SqlClient): SqlClient => ({ ...db, close: async () => undefined });

describe('SqlConversationStore on PGlite (the embedded default)', () => {
  let db: SqlClient;
  beforeAll(async () => {
    db = await openPglite('memory://');
  }, 60_000);
  afterAll(() => db.close());

  const pair = async (options: { ttlS?: number }) => {
    const store = await SqlConversationStore.open(shared(db), storeOptions(options));
    return { first: store, second: store };
  };
  defineConversationStoreContract(pair);
  defineVersionsContract(pair);

  it('keeps conversations in DATA_DIR across a restart, ending the reply the stopped process left streaming', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ngx-chat-data-'));
    try {
      const conversationId = randomUUID();
      const before = await SqlConversationStore.open(await openPglite(dir));
      const turn = { conversationId, owner: 'alice', streamId: randomUUID(), userMessage: 'remember me' };
      await before.beginTurn(turn);
      await before.endTurn(conversationId, turn.streamId, { content: 'I will', status: 'completed' });
      await before.beginTurn({ ...turn, streamId: randomUUID(), userMessage: 'and this?' });
      await before.close();

      const after = await SqlConversationStore.open(await openPglite(dir), { endRepliesLeftStreaming: true });
      expect((await after.get(conversationId))?.messages.map(({ content, status }) => [content, status])).toEqual([
        ['remember me', 'completed'],
        ['I will', 'completed'],
        ['and this?', 'completed'],
        ['', 'error'],
      ]);
      expect((await after.list('alice', 10)).conversations.map((summary) => summary.title)).toEqual(['remember me']);
      expect(await after.beginTurn({ ...turn, streamId: randomUUID(), userMessage: 'again' })).toHaveLength(4);
      await after.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('the embedded database directory', () => {
  it('is opened by one store at a time, and a lock left by a process that is gone is taken over', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ngx-chat-data-'));
    try {
      const first = await openPglite(dir);
      await expect(openPglite(dir)).rejects.toBeInstanceOf(DataDirInUseError);
      await first.close();
      // A crashed process's lock: its pid runs no more.
      const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
      writeFileSync(join(dir, 'ngx-chat.pid'), gone);
      const second = await openPglite(dir);
      expect(readFileSync(join(dir, 'ngx-chat.pid'), 'utf8')).toBe(String(process.pid));
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe.skipIf(!postgresAvailable())('SqlConversationStore on PostgreSQL', () => {
  let server: TestPostgres;
  let url: string;
  const opened: SqlConversationStore[] = [];
  beforeAll(async () => {
    server = await startTestPostgres();
    url = await server.newDatabase();
  }, 60_000);
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });
  afterAll(() => server?.close());

  /** A store on a pool of its own, as another instance would have. */
  const instance = async (options: SqlConversationStoreOptions = {}) => {
    const store = await SqlConversationStore.open(openPostgres(url), options);
    opened.push(store);
    return store;
  };
  const pair = async (options: { ttlS?: number }) => ({ first: await instance(storeOptions(options)), second: await instance(storeOptions(options)) });
  defineConversationStoreContract(pair);
  defineVersionsContract(pair);

  it('frees a conversation whose producer never ended its reply once the lock lapses', async () => {
    const store = await instance({ turnTtlS: 1 });
    const conversationId = randomUUID();
    await store.beginTurn({ conversationId, owner: 'alice', streamId: randomUUID(), userMessage: 'hello' });
    await expect(store.beginTurn({ conversationId, owner: 'alice', streamId: randomUUID(), userMessage: 'again' })).rejects.toBeInstanceOf(ConversationBusyError);
    const history = await eventually(() => store.beginTurn({ conversationId, owner: 'alice', streamId: randomUUID(), userMessage: 'again' }));
    expect(history.map((message) => message.status)).toEqual(['completed', 'error']);
  });

  it('migrates a database once, however many instances start together', async () => {
    const fresh = await server.newDatabase();
    const stores = await Promise.all([1, 2, 3].map(() => SqlConversationStore.open(openPostgres(fresh))));
    const check = openPostgres(fresh);
    expect((await check.query('SELECT version FROM ngx_chat_migrations')).rows).toEqual([{ version: 1 }]);
    await check.close();
    await Promise.all(stores.map((store) => store.close()));
  });

  it('answers with StoreUnavailableError when PostgreSQL cannot be reached', async () => {
    const store = SqlConversationStore.open(openPostgres('postgres://ngx@127.0.0.1:1/none'));
    await expect(store).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});
