import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../support/wait-for.js';

const ROOT = new URL('../..', import.meta.url).pathname;
/** The embedded database's directory: `npm start` keeps conversations in PGlite, here outside the checkout. */
const DATA_DIR = mkdtempSync(join(tmpdir(), 'ngx-chat-start-'));
afterAll(() => rmSync(DATA_DIR, { recursive: true, force: true }));

/** A port that was free a moment ago. */
async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return address.port;
}

/** Every process below `pid`, from `ps`. */
function descendants(pid: number): number[] {
  const rows = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number));
  const found: number[] = [];
  const visit = (parent: number) => {
    for (const [child, ppid] of rows) {
      if (ppid === parent) {
        found.push(child);
        visit(child);
      }
    }
  };
  visit(pid);
  return found;
}

const isRunning = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

interface Started {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/** `npm start` without the builds (the suite's script has just built both), on the given ports. */
function start(env: Record<string, string>): Started {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts', '--no-build'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, LOG_LEVEL: 'warn', DATA_DIR, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (data: Buffer) => (output += data.toString()));
  child.stderr?.on('data', (data: Buffer) => (output += data.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

describe('npm start (scripts/start.ts)', () => {
  const cleanup: (() => void)[] = [];
  afterEach(() => {
    for (const step of cleanup.splice(0)) step();
  });

  it('starts the API and both sites, prints their URLs, and stops its whole process tree on Ctrl-C', async () => {
    const [api, allowed, refused] = [await freePort(), await freePort(), await freePort()];
    const run = start({ PORT: String(api), DEMO_PORT: String(allowed), DEMO_REFUSED_PORT: String(refused) });
    cleanup.push(() => run.child.kill('SIGKILL'));
    await waitFor(() => run.output().includes('Press Ctrl-C to stop.') || run.child.exitCode !== null, 'the demo to start', 30_000);
    expect(run.output()).toContain(`http://localhost:${allowed}/`);
    expect(run.output()).toContain(`http://localhost:${refused}/`);
    expect(run.output()).toContain(`http://localhost:${api}`);
    expect(run.output()).toContain('API (demo agent)');

    // The pages point at the configured API, which allows the one site and refuses the other.
    const page = await (await fetch(`http://localhost:${allowed}/`)).text();
    expect(page).toContain(`<script type="module" src="http://localhost:${api}/widget/ngx-chat.js"></script>`);
    expect(page).toContain(`<ngx-chat api-url="http://localhost:${api}" guest mode="launcher"></ngx-chat>`);
    const check = async (origin: string) =>
      ((await (await fetch(`http://localhost:${api}/widget/origin-check`, { headers: { Origin: origin } })).json()) as { allowed: boolean }).allowed;
    expect(await check(`http://localhost:${allowed}`)).toBe(true);
    expect(await check(`http://localhost:${refused}`)).toBe(false);

    const tree = descendants(run.child.pid ?? 0);
    expect(tree.length).toBeGreaterThan(0);
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    await waitFor(() => tree.every((pid) => !isRunning(pid)), 'every child to exit', 5_000);
    // Every port is free again.
    for (const port of [api, allowed, refused]) {
      const probe: Server = createServer().listen(port);
      await new Promise((resolve, reject) => probe.once('listening', resolve).once('error', reject));
      await new Promise((resolve) => probe.close(resolve));
    }
  });

  it('names the agent the API answers with', async () => {
    const [api, allowed, refused] = [await freePort(), await freePort(), await freePort()];
    // Nothing listens at that model server: the API starts regardless, and the banner names it.
    const run = start({ PORT: String(api), DEMO_PORT: String(allowed), DEMO_REFUSED_PORT: String(refused), AGENT: 'openai', OPENAI_MODEL: 'llama3.2', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' });
    cleanup.push(() => run.child.kill('SIGKILL'));
    await waitFor(() => run.output().includes('Press Ctrl-C to stop.') || run.child.exitCode !== null, 'the demo to start', 30_000);
    expect(run.output()).toContain('API (openai agent, model llama3.2)');
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
  });

  it('names the busy port and the variable to change, before building anything', async () => {
    const busy = createServer().listen(0);
    await new Promise((resolve) => busy.once('listening', resolve));
    cleanup.push(() => busy.close());
    const address = busy.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const run = start({ PORT: String(await freePort()), DEMO_PORT: String(port), DEMO_REFUSED_PORT: String(await freePort()) });
    cleanup.push(() => run.child.kill('SIGKILL'));
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain(`port ${port} (the allowed demo site) is in use`);
    expect(run.output()).toContain(`set DEMO_PORT to a free port`);
  });
});
