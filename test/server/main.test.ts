import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../scripts/build-server.js';
import { startApiProcess } from '../support/api-process.js';

const ROOT = new URL('../..', import.meta.url).pathname;
/** The embedded database's directory for these runs: the default configuration, but outside the checkout. */
const DATA_DIR = mkdtempSync(join(tmpdir(), 'ngx-chat-main-'));
afterAll(() => rmSync(DATA_DIR, { recursive: true, force: true }));

/** Runs the real entry file (or `entry`, a built bundle) with `env` and returns its exit code and output (or kills it once it listens). */
function runMain(env: Record<string, string>, entry = ['--import', 'tsx', 'server/main.ts']): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, entry, { cwd: ROOT, env: { PATH: process.env.PATH, DATA_DIR, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (data) => {
      stdout += data;
      if (stdout.includes('listening') && !child.killed) child.kill('SIGTERM');
    });
    child.stderr.on('data', (data) => (stderr += data));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('server/main.ts', () => {
  it('stops at start-up naming the variable when a value is bad', async () => {
    const run = await runMain({ PORT: 'eighty' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('PORT must be a whole number');
  });

  it('refuses to start in production on the default secret or without ALLOWED_ORIGINS', async () => {
    const noSecret = await runMain({ NODE_ENV: 'production', ALLOWED_ORIGINS: 'https://a.example' });
    expect(noSecret.code).toBe(1);
    expect(noSecret.stderr).toContain('JWT_SECRET');
    const noOrigins = await runMain({ NODE_ENV: 'production', JWT_SECRET: '9c1e5b2d8f4a6c0e9b1d3f5a7c9e1b2d', METRICS_TOKEN: 'm' });
    expect(noOrigins.code).toBe(1);
    expect(noOrigins.stderr).toContain('ALLOWED_ORIGINS');
  });

  it('refuses WORKERS above 1 without Redis, saying why', async () => {
    const run = await runMain({ PORT: '0', WORKERS: '2' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('WORKERS=2 needs REDIS_URL');
  });

  it('starts with no configuration and stops cleanly on SIGTERM', async () => {
    const run = await runMain({ PORT: '0' });
    expect(run.stdout).toContain('ngx-chat API listening');
    expect(run.code).toBe(0);
  });

  it('refuses a second process on the same DATA_DIR, saying which holds it', async () => {
    const first = await startApiProcess({ CONVERSATION_STORE: 'auto', DATA_DIR });
    try {
      const second = await runMain({ PORT: '0' });
      expect(second.code).toBe(1);
      expect(second.stderr).toContain(`DATA_DIR ${DATA_DIR} is in use by process ${first.child.pid}`);
    } finally {
      first.child.kill('SIGTERM');
      await first.exited;
    }
    // Released on shutdown: the next start opens it.
    expect((await runMain({ PORT: '0' })).code).toBe(0);
  });

  it('runs the same from the production bundle (npm run build:server)', async () => {
    const bundle = buildServer();
    const run = await runMain({ PORT: '0' }, [bundle]);
    expect(run.stdout).toContain('ngx-chat API listening');
    expect(run.code).toBe(0);
    const refused = await runMain({ NODE_ENV: 'production', ALLOWED_ORIGINS: 'https://a.example' }, [bundle]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('JWT_SECRET');
  });
});
