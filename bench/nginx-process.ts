import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './server-process.js';

const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((path) => existsSync(path));
const CONFIG = new URL('../deploy/nginx.conf', import.meta.url).pathname;

/** Whether Debian's nginx is on this machine. */
export const hasNginx = NGINX !== undefined;

/** nginx running the README's config in front of `upstreams` (host:port), on a free port. */
export interface RunningNginx {
  url: string;
  stop(): Promise<void>;
}

/** Options for {@link startNginx}. */
export interface NginxOptions {
  /** Connections its one worker may hold, both sides counted. Defaults to 1024. */
  workerConnections?: number;
  /** Runs it as `command` prefixed, e.g. `taskset -c 0`. Defaults to none. */
  prefixCommand?: string[];
}

/**
 * Starts nginx in the foreground with deploy/nginx.conf, in a scratch prefix directory: for the
 * tests (test/server/nginx.test.ts) and the benchmark's row of two instances behind it.
 */
export async function startNginx(upstreams: string[], options: NginxOptions = {}): Promise<RunningNginx> {
  if (!NGINX) throw new Error('nginx is not installed (apt-get install nginx-light)');
  const port = await freePort();
  const prefix = mkdtempSync(join(tmpdir(), 'ngx-chat-nginx-'));
  const site = readFileSync(CONFIG, 'utf8')
    .replaceAll('__LISTEN__', `127.0.0.1:${port}`)
    // One line: the placeholder also stands in the file's header comment.
    .replaceAll('__UPSTREAMS__', upstreams.map((upstream) => `server ${upstream};`).join(' '));
  writeFileSync(
    join(prefix, 'nginx.conf'),
    `daemon off;\nworker_processes 1;\npid ${prefix}/nginx.pid;\nerror_log ${prefix}/error.log warn;\nevents { worker_connections ${options.workerConnections ?? 1024}; }\nhttp {\n  access_log off;\n  client_body_temp_path ${prefix}/body;\n  proxy_temp_path ${prefix}/proxy;\n${site}\n}\n`,
  );
  const check = spawnSync(NGINX, ['-t', '-p', prefix, '-c', join(prefix, 'nginx.conf')], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`nginx -t failed: ${check.stderr}`);
  const [command, ...args] = [...(options.prefixCommand ?? []), NGINX, '-p', prefix, '-c', join(prefix, 'nginx.conf')];
  const child: ChildProcess = spawn(command, args, { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i += 1) {
    if (await fetch(`${url}/healthz`).then((res) => res.ok, () => false)) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode !== null ? resolve(undefined) : child.once('exit', resolve)));
      rmSync(prefix, { recursive: true, force: true });
    },
  };
}
