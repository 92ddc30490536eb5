import { mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
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

/** Thrown when another PGlite — in this process or another — has the data directory open. */
export class DataDirInUseError extends Error {
  override name = 'DataDirInUseError';
}

/** The directories this process has open. */
const openDirs = new Set<string>();

/** Whether process `pid` is running. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs, as another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes `dir` for this process, or throws {@link DataDirInUseError}: PGlite is Postgres in one
 * process, with no lock of its own, and two of them writing one directory corrupt its indexes.
 * A lock file left by a process that is gone is taken over.
 */
async function lockDir(dir: string): Promise<() => Promise<void>> {
  const lockFile = join(dir, 'ngx-chat.pid');
  const inUse = (pid: number) =>
    new DataDirInUseError(`DATA_DIR ${dir} is in use by process ${pid}; give each API process its own DATA_DIR, or set DATABASE_URL for several instances.`);
  if (openDirs.has(dir)) throw inUse(process.pid);
  try {
    await writeFile(lockFile, String(process.pid), { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const holder = Number((await readFile(lockFile, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isRunning(holder)) throw inUse(holder);
    await writeFile(lockFile, String(process.pid));
  }
  openDirs.add(dir);
  return async () => {
    openDirs.delete(dir);
    await unlink(lockFile).catch(() => undefined);
  };
}

/**
 * The embedded database: PGlite keeping its files in `dataDir` (created when missing, and locked
 * to this process while open), or in memory for `memory://`.
 * @throws DataDirInUseError when another process (or another store of this one) has it open
 */
export async function openPglite(dataDir: string): Promise<SqlClient> {
  const inMemory = dataDir.startsWith('memory://');
  const dir = inMemory ? dataDir : resolve(dataDir);
  if (!inMemory) await mkdir(dir, { recursive: true });
  const unlock = inMemory ? async () => undefined : await lockDir(dir);
  let db: PGlite;
  try {
    db = await PGlite.create(dir);
  } catch (err) {
    await unlock();
    throw err;
  }
  return {
    ...queries(db),
    transaction: (work) => db.transaction((tx) => work(queries(tx))),
    async close() {
      await db.close();
      await unlock();
    },
  };
}
