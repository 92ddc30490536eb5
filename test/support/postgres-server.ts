import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { freePort } from './redis-server.js';

/** A PostgreSQL server this process started, on a free loopback port, in a directory of its own. */
export interface TestPostgres {
  /** A connection URL to a database nobody else uses (see {@link TestPostgres.newDatabase}). */
  url: string;
  /** Creates an empty database and returns its URL. */
  newDatabase(): Promise<string>;
  /** Stops the server for good and deletes its files. */
  close(): Promise<void>;
}

/** Where Debian's `postgresql` puts its programs (not on PATH), or `POSTGRES_BIN_DIR`. */
function binDir(): string | undefined {
  if (process.env.POSTGRES_BIN_DIR) return process.env.POSTGRES_BIN_DIR;
  const onPath = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).stdout.trim();
  if (onPath) return join(onPath, '..');
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((name) => existsSync(join(root, name, 'bin', 'postgres'))).sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : undefined;
}

/**
 * Whether PostgreSQL tests can run here. Under `CI=true` a missing server throws, so the run
 * fails instead of silently skipping the PostgreSQL half.
 */
export function postgresAvailable(): boolean {
  if (binDir()) return true;
  const reason = 'PostgreSQL is not installed: apt-get install postgresql (or set POSTGRES_BIN_DIR).';
  if (process.env.CI === 'true') throw new Error(`The PostgreSQL tests cannot run under CI=true: ${reason}`);
  console.warn(`Skipping the PostgreSQL tests: ${reason}`);
  return false;
}

/** PostgreSQL refuses to run as root: as root, the server runs as Debian's `postgres` user. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const uid = id('-u');
  if (!Number.isInteger(uid) || uid === 0) throw new Error('Running as root, the PostgreSQL tests need a "postgres" user to run the server as (Debian\'s postgresql package makes one).');
  return { uid, gid: id('-g') };
}

/** Starts `initdb` and `postgres` on a free loopback port; trust authentication for user `ngx`, fsync off. */
export async function startTestPostgres(): Promise<TestPostgres> {
  const bin = binDir();
  if (!bin) throw new Error('PostgreSQL is not installed: apt-get install postgresql.');
  const user = runAs();
  const dir = mkdtempSync(join(tmpdir(), 'ngx-chat-pg-'));
  if (user) chownSync(dir, user.uid, user.gid);
  const data = join(dir, 'data');
  const initdb = spawnSync(join(bin, 'initdb'), ['-D', data, '-U', 'ngx', '--auth=trust', '--no-sync', '-E', 'UTF8'], { encoding: 'utf8', ...user });
  if (initdb.status !== 0) throw new Error(`initdb failed: ${initdb.stderr}`);
  const port = await freePort();
  const child: ChildProcess = spawn(
    join(bin, 'postgres'),
    ['-D', data, '-p', String(port), '-h', '127.0.0.1', '-k', dir, '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
    { stdio: ['ignore', 'ignore', 'pipe'], ...user },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const cleanup = () => child.kill('SIGKILL');
  process.once('exit', cleanup);
  const url = (database: string) => `postgres://ngx@127.0.0.1:${port}/${database}`;
  await waitUntilReady(url('postgres'), child, () => stderr);
  let databases = 0;
  return {
    url: url('postgres'),
    async newDatabase() {
      const name = `ngx_test_${process.pid}_${++databases}`;
      const client = new pg.Client({ connectionString: url('postgres') });
      await client.connect();
      await client.query(`CREATE DATABASE ${name}`);
      await client.end();
      return url(name);
    },
    async close() {
      process.off('exit', cleanup);
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGINT'); // fast shutdown: ends sessions, no checkpoint wait worth noting with fsync off
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitUntilReady(url: string, child: ChildProcess, stderr: () => string): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    if (child.exitCode !== null) throw new Error(`postgres exited with ${child.exitCode}: ${stderr()}`);
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await client.end().catch(() => undefined);
      await sleep(50);
    }
  }
  child.kill('SIGKILL');
  throw new Error(`postgres did not accept connections within 15 s: ${stderr()}`);
}
