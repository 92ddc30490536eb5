import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, kill, launch } from './redis-server.js';

/** A Redis Cluster of three masters (no replicas) on loopback ports, started for a test file. */
export interface TestRedisCluster {
  /** `host:port` of each master: `REDIS_CLUSTER_NODES`. */
  nodes: string[];
  close(): Promise<void>;
}

const CLI = process.env.REDIS_CLI_BIN ?? 'redis-cli';

/** Whether a cluster can be started here: `redis-server` and `redis-cli` (both in Debian's redis-server package). */
export function canStartRedisCluster(): boolean {
  const cli = spawnSync(CLI, ['--version'], { stdio: 'ignore' }).error === undefined;
  const server = spawnSync(process.env.REDIS_SERVER_BIN ?? 'redis-server', ['--version'], { stdio: 'ignore' }).error === undefined;
  if (!(cli && server) && process.env.CI === 'true') throw new Error('The Redis Cluster tests cannot run under CI=true: redis-server and redis-cli are needed (apt-get install redis-server).');
  return cli && server;
}

/**
 * Starts three `redis-server --cluster-enabled yes` on free ports (their cluster state files in a
 * temporary directory), joins them with `redis-cli --cluster create`, and waits until every node
 * reports `cluster_state:ok`.
 */
export async function startTestRedisCluster(): Promise<TestRedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'ngx-chat-redis-cluster-'));
  const ports = [await freePort(), await freePort(), await freePort()];
  const children: ChildProcess[] = [];
  const close = async () => {
    await Promise.all(children.map((child) => kill(child)));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports) {
      children.push(await launch(port, ['--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${port}.conf`), '--cluster-node-timeout', '5000', '--dir', dir]));
    }
    const nodes = ports.map((port) => `127.0.0.1:${port}`);
    const create = spawnSync(CLI, ['--cluster', 'create', ...nodes, '--cluster-replicas', '0', '--cluster-yes'], { encoding: 'utf8' });
    if (create.status !== 0) throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`);
    for (let attempt = 0; ; attempt++) {
      const states = ports.map((port) => spawnSync(CLI, ['-p', String(port), 'cluster', 'info'], { encoding: 'utf8' }).stdout);
      if (states.every((info) => info.includes('cluster_state:ok'))) break;
      if (attempt === 200) throw new Error(`The cluster did not become ready within 10 s: ${states.join('\n')}`);
      await sleep(50);
    }
    return { nodes, close };
  } catch (err) {
    await close();
    throw err;
  }
}
