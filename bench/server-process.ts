import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism } from 'node:os';
import { buildSync } from 'esbuild';
import { SERVER_BUNDLE } from '../scripts/build-server.js';

/** A server started by the benchmark, pinned to core 0 when `taskset` is there. */
export interface ServerProcess {
  name: string;
  url: string;
  pid: number;
  /** Resident memory now, in bytes. */
  rss(): number;
  /** CPU time the process has used so far (user + system, all threads), in seconds. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

const ROOT = new URL('..', import.meta.url).pathname;
const HAS_TASKSET = spawnSync('taskset', ['--version']).status === 0;

/** `taskset -c <cores>` in front of a command where taskset exists. */
export function pinned(cores: number | string, command: string[]): string[] {
  return HAS_TASKSET ? ['taskset', '-c', String(cores), ...command] : command;
}

/**
 * Every core, for a server that is not to be pinned: a child inherits the benchmark's own
 * affinity (core 1, from scripts/bench.mjs), so leaving it alone would pin it there.
 */
export const ALL_CORES = `0-${availableParallelism() - 1}`;

/** Whether processes are pinned to cores in this run. */
export const PINNED = HAS_TASKSET;

/** Reads a process's resident set size from /proc. */
export function rssOf(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : NaN;
}

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK']).stdout?.toString().trim()) || 100;

/** The pids of `pid`'s children, from /proc. */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** CPU time of `pid` and its children now alive (the workers of `WORKERS`), in seconds. */
function treeCpuSecondsOf(pid: number): number {
  return [pid, ...childrenOf(pid)].reduce((sum, each) => sum + cpuSecondsOf(each), 0);
}

/** Resident memory of `pid` and its children now alive, in bytes. */
function treeRssOf(pid: number): number {
  return [pid, ...childrenOf(pid)].reduce((sum, each) => sum + rssOf(each), 0);
}

/** A process's user + system CPU time from /proc, in seconds. */
export function cpuSecondsOf(pid: number): number {
  // Fields after the parenthesised command name (which may itself hold ") "); utime and stime are
  // the 14th and 15th overall.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** A free loopback port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

function waitForExit(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

const SERVERS_DIR = 'bench/servers';

/**
 * Bundles every server of the matrix into `dist/bench-<name>.mjs` the way `npm run build:server`
 * bundles the API for production: the measured processes run plain JavaScript, none of them
 * paying for a TypeScript loader.
 */
export function buildBenchServers(scripts: string[]): void {
  buildSync({
    ...SERVER_BUNDLE,
    entryPoints: scripts.map((script) => `${ROOT}${SERVERS_DIR}/${script}`),
    outdir: `${ROOT}dist`,
    entryNames: 'bench-[name]',
    outExtension: { '.js': '.mjs' },
  });
}

/**
 * Starts the bundle of `bench/servers/<script>` built by {@link buildBenchServers} on `cores`
 * (core 0 unless told; {@link ALL_CORES} to unpin it) and waits for its `listening <port>` line.
 * Its CPU and memory are its process tree's: the primary and workers of `WORKERS`.
 */
export function startBenchServer(name: string, script: string, env: Record<string, string> = {}, cores: number | string = 0): Promise<ServerProcess> {
  const [command, ...args] = pinned(cores, [process.execPath, `dist/bench-${script.replace(/\.ts$/, '.mjs')}`]);
  const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 30 s`)), 30_000);
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code} before listening`)));
    child.stdout!.on('data', (data: Buffer) => {
      out += data.toString();
      const match = /listening (\d+)/.exec(out);
      if (!match) return;
      clearTimeout(timer);
      child.stdout!.removeAllListeners('data');
      child.stdout!.resume();
      resolve({
        name,
        url: `http://127.0.0.1:${match[1]}`,
        pid: child.pid!,
        rss: () => treeRssOf(child.pid!),
        cpuSeconds: () => treeCpuSecondsOf(child.pid!),
        stop: async () => {
          child.kill('SIGTERM');
          await waitForExit(child);
        },
      });
    });
  });
}

/** Starts a throwaway `redis-server` on a free port for the Redis rows of the matrix. */
export async function startRedis(): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  for (let i = 0; i < 100; i += 1) {
    if (spawnSync('redis-cli', ['-p', String(port), 'ping']).stdout?.toString().includes('PONG')) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      child.kill('SIGTERM');
      await waitForExit(child);
    },
  };
}

/** `TcpExt: ListenOverflows` from /proc: connections the kernel dropped because an accept queue was full. */
export function listenOverflows(): number {
  const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n').filter((line) => line.startsWith('TcpExt:'));
  if (lines.length < 2) return NaN;
  const names = lines[0].split(/\s+/);
  const values = lines[1].split(/\s+/);
  return Number(values[names.indexOf('ListenOverflows')]);
}

export { ROOT };
