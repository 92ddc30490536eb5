import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoReply } from '../../server/agents/demo-agent.js';
import { postChat, readAllEvents, readThenDrop } from '../support/sse.js';
import { VIEWPORT, launchChromium } from './support/browser.js';
import { WAIT_MS, sendInWidget, waitForReply } from './support/widget-page.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const FIXTURE = new URL('./package-app/', import.meta.url).pathname;
const rootManifest = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8'));

/** Runs `command` in `cwd`, failing with its output when it fails. */
function run(cwd: string, command: string, args: string[]): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 300_000, env: { ...process.env, npm_config_update_notifier: 'false' } });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** Starts the host app's server on the Vite build and resolves with its URL. */
function startHost(appDir: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['host-server.mjs', join(appDir, 'dist')], { cwd: appDir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the host app did not start:\n${output}`)), 30_000);
    child.once('exit', (code) => reject(new Error(`the host app exited with ${code}:\n${output}`)));
    const onData = (data: Buffer) => {
      output += data.toString();
      const url = /listening (http:\/\/\S+)/.exec(output)?.[1];
      if (!url) return;
      clearTimeout(timer);
      resolve({ url, child });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
  });
}

// The packages as npm would deliver them: `npm run build:packages` (test:e2e runs it), `npm pack`,
// and an install of the tarballs in a directory of their own, with their peers from the registry.
describe('the npm packages, packed, installed and used by a new app', () => {
  let appDir: string;
  let host: { url: string; child: ChildProcess };
  let browser: Browser | undefined;

  beforeAll(async () => {
    appDir = mkdtempSync(join(tmpdir(), 'ngx-chat-package-app-'));
    cpSync(FIXTURE, appDir, { recursive: true });
    for (const pkg of ['ngx-chat', 'server']) run(ROOT, 'npm', ['pack', `./packages/${pkg}`, '--pack-destination', appDir, '--silent']);
    const tarballs = readdirSync(appDir).filter((name) => name.endsWith('.tgz'));
    const tarball = (prefix: string) => `file:./${tarballs.find((name) => name.startsWith(prefix))}`;
    const version = (name: string) => rootManifest.dependencies[name] ?? rootManifest.devDependencies[name];
    const manifest = {
      name: 'package-app',
      private: true,
      type: 'module',
      dependencies: { 'ngx-chat': tarball('ngx-chat-0'), '@ngx-chat/server': tarball('ngx-chat-server-'), express: version('express') },
      devDependencies: { vite: version('vite'), typescript: version('typescript') },
    };
    writeFileSync(join(appDir, 'package.json'), JSON.stringify(manifest, null, 2));
    run(appDir, 'npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel', 'error']);
  }, 600_000);
  afterAll(async () => {
    await browser?.close();
    host?.child.kill('SIGTERM');
    if (appDir) rmSync(appDir, { recursive: true, force: true });
  });

  it('type-checks a use of the element, its properties and its events with tsc, and refuses a wrong one', () => {
    run(appDir, join(appDir, 'node_modules/.bin/tsc'), ['-p', '.']);
    // The types are real, not `any`: a wrong property type and a wrong event field fail.
    writeFileSync(join(appDir, 'wrong.ts'), "import 'ngx-chat';\nconst chat = document.createElement('ngx-chat');\nchat.apiUrl = 42;\nchat.addEventListener('ngx-chat-message', (event) => event.txt);\n");
    writeFileSync(join(appDir, 'tsconfig.wrong.json'), JSON.stringify({ extends: './tsconfig.json', include: ['wrong.ts'] }));
    const wrong = spawnSync(join(appDir, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.wrong.json'], { cwd: appDir, encoding: 'utf8' });
    expect(wrong.status).not.toBe(0);
    expect(wrong.stdout).toMatch(/wrong\.ts\(3,1\).*number.*string/);
    expect(wrong.stdout).toMatch(/wrong\.ts\(4,.*'txt'/);
  });

  it('builds the app with Vite and serves it beside the mounted API', async () => {
    run(appDir, join(appDir, 'node_modules/.bin/vite'), ['build', '--logLevel', 'warn']);
    host = await startHost(appDir);
    expect((await fetch(`${host.url}/`)).status).toBe(200);
    expect((await fetch(`${host.url}/chat/healthz`)).status).toBe(200);
  });

  it('streams a reply through createChatApi under /chat with the host’s session, and resumes it exactly', async () => {
    const session = { Cookie: 'session=s3cr3t-session' };
    expect((await postChat(`${host.url}/chat`, '', { message: 'hi' }, { Authorization: '' })).status).toBe(401);
    const controller = new AbortController();
    const res = await fetch(`${host.url}/chat/stream/chat`, {
      method: 'POST',
      headers: { ...session, 'Content-Type': 'application/json', Accept: 'text/event-stream' },
      body: JSON.stringify({ message: 'Where is my order?' }),
      signal: controller.signal,
    });
    const first = await readThenDrop(res, 3, controller);
    const resumed = await fetch(`${host.url}/chat/stream/chat`, { method: 'POST', headers: { ...session, 'Last-Event-ID': first.at(-1)!.id! } });
    const rest = await readAllEvents(resumed);
    const all = [...first, ...rest];
    expect(all.map((event) => Number(event.id!.split(':')[1]))).toEqual(all.map((_event, index) => index + 1));
    expect(all.at(-1)!.event).toBe('end');
  });

  it('chats through the app in Chromium, signed in by the host’s session', async () => {
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: VIEWPORT });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.request.post(`${host.url}/login`);
    await page.goto(`${host.url}/`);
    await page.locator('ngx-chat [part~="input"]').waitFor({ timeout: WAIT_MS });
    const message = 'How do I export invoices?';
    await sendInWidget(page, message);
    const reply = await waitForReply(page, 'completed');
    expect(reply.text).toBe(demoReply(message));
    expect(await page.evaluate(() => document.body.dataset.replies)).toBe('1');
    expect(errors).toEqual([]);
  });
});
