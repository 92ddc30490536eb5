import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** A Redis for tests: one this process started, or the one `REDIS_URL` names. */
export interface TestRedis {
  url: string;
  /** True when this process started the server, so it may stop and restart it. */
  owned: boolean;
  /** Kills the server (as a crash would); only for an owned server. */
  stop(): Promise<void>;
  /** Starts the server again on the same port, empty; only for an owned server. */
  restart(): Promise<void>;
  /** Stops the server in its tracks (SIGSTOP): connections stay open and nothing answers, as in a long stall; only for an owned server. */
  freeze(): void;
  /** Lets a frozen server run on (SIGCONT), with everything it held. */
  thaw(): void;
  /** Stops an owned server for good; leaves an external one alone. */
  close(): Promise<void>;
}

const BINARY = process.env.REDIS_SERVER_BIN ?? 'redis-server';

/**
 * Whether Redis tests can run here, checked once per test file at load. Under `CI=true` a
 * missing `redis-server` throws, so the run fails instead of silently skipping the Redis half.
 */
export function redisAvailability(): RedisAvailability {
  availability ??= checkAvailability();
  return availability;
}

type RedisAvailability = { available: true } | { available: false; reason: string };
let availability: RedisAvailability | undefined;

function checkAvailability(): RedisAvailability {
  if (process.env.REDIS_URL || hasBinary()) return { available: true };
  const reason = `${BINARY} is not installed: apt-get install redis-server, or set REDIS_URL to a Redis these tests may use.`;
  if (process.env.CI === 'true') throw new Error(`The Redis tests cannot run under CI=true: ${reason}`);
  console.warn(`Skipping the Redis tests: ${reason}`);
  return { available: false, reason };
}

/** Whether a test needing its own server (to stop and restart it) can run. */
export function canStartRedisServer(): boolean {
  return hasBinary();
}

function hasBinary(): boolean {
  return spawnSync(BINARY, ['--version'], { stdio: 'ignore' }).error === undefined;
}

/**
 * The Redis to test against: `REDIS_URL` when set (unless `own`), else a fresh `redis-server` on
 * a free loopback port that keeps nothing on disk.
 */
export async function startTestRedis(options: { own?: boolean } = {}): Promise<TestRedis> {
  const external = process.env.REDIS_URL;
  if (external && !options.own) {
    const refuse = async () => {
      throw new Error('This test stops Redis; it needs a server of its own (startTestRedis({ own: true })).');
    };
    const refuseNow = () => {
      throw new Error('This test freezes Redis; it needs a server of its own (startTestRedis({ own: true })).');
    };
    return { url: external, owned: false, stop: refuse, restart: refuse, freeze: refuseNow, thaw: refuseNow, close: async () => undefined };
  }
  const port = await freePort();
  let child: ChildProcess | undefined = await launch(port);
  const stop = async () => {
    if (child) await kill(child);
    child = undefined;
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    owned: true,
    stop,
    async restart() {
      await stop();
      child = await launch(port);
    },
    freeze() {
      child?.kill('SIGSTOP');
    },
    thaw() {
      child?.kill('SIGCONT');
    },
    close: stop,
  };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('Could not find a free port.');
  return address.port;
}

/** Starts `redis-server` on `port` (with `extra` arguments) and waits until it answers PING. */
export async function launch(port: number, extra: string[] = []): Promise<ChildProcess> {
  const child = spawn(BINARY, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...extra], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // A server left behind by a crashed test file would hold its port forever.
  const cleanup = () => child.kill('SIGKILL');
  process.once('exit', cleanup);
  child.once('exit', () => process.off('exit', cleanup));
  for (let attempt = 0; attempt < 200; attempt++) {
    if (child.exitCode !== null) throw new Error(`redis-server on port ${port} exited with ${child.exitCode}: ${stderr}`);
    if (await answersPing(port)) return child;
    await sleep(50);
  }
  child.kill('SIGKILL');
  throw new Error(`redis-server on port ${port} did not answer PING within 10 s: ${stderr}`);
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.setTimeout(500);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

export async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}
