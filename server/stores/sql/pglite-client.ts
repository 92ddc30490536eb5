import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import type { SqlClient, SqlQueries } from './sql-client.js';

/** PGlite's connection, as statements see it. */
function queries(db: Pick<PGlite, 'query' | 'exec'>): SqlQueries {
  return {
    async query(text, params) {
      const result = await db.query<never>(text, params);
      return { rows: result.rows, changed: result.affectedRows ?? 0 };
    },
    async exec(script) {
      await db.exec(script);
    },
  };
}

/**
 * The embedded database: PGlite keeping its files in `dataDir` (created when missing), or in
 * memory for `memory://`. One process at a time may open a directory.
 */
export async function openPglite(dataDir: string): Promise<SqlClient> {
  if (!dataDir.startsWith('memory://')) await mkdir(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir);
  return {
    ...queries(db),
    transaction: (work) => db.transaction((tx) => work(queries(tx))),
    close: () => db.close(),
  };
}
