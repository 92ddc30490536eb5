import cluster, { type Worker } from 'node:cluster';
import { answerMetricsRequests } from './cluster-metrics.js';

/** A worker that dies is replaced after this long, so a crash loop cannot spin. */
const RESPAWN_DELAY_MS = 1000;

/**
 * The primary process of `WORKERS` > 1 (`node:cluster`): forks `count` workers, each running the
 * whole API on the shared `PORT` (connections are dealt round-robin), and replaces a worker that
 * dies. A worker that dies before it ever listened stops them all (a bad configuration would
 * otherwise restart forever). SIGTERM or Ctrl-C is passed on to every worker, each drains as a
 * single process does, and the primary exits once the last is gone. A worker's `/metrics` are
 * every worker's, gathered here (server/ops/cluster-metrics.ts).
 */
export function runWorkers(count: number): void {
  let stopping = false;
  const listened = new WeakSet<Worker>();
  const alive = () => Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => worker !== undefined);
  const stop = (code: number) => {
    stopping = true;
    process.exitCode = code;
    const workers = alive();
    if (workers.length === 0) process.exit(code);
    for (const worker of workers) worker.process.kill('SIGTERM');
  };

  cluster.on('listening', (worker) => listened.add(worker));
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (alive().length === 0) process.exit(process.exitCode ?? 0);
      return;
    }
    if (!listened.has(worker)) {
      console.error(`ngx-chat: worker ${worker.process.pid} exited (${signal ?? code}) before it listened; stopping.`);
      stop(1);
      return;
    }
    console.error(`ngx-chat: worker ${worker.process.pid} exited (${signal ?? code}); starting another.`);
    setTimeout(() => {
      if (!stopping) cluster.fork();
    }, RESPAWN_DELAY_MS);
  });
  // A worker asked for `/metrics` answers with every worker's, gathered here.
  answerMetricsRequests();
  process.on('SIGTERM', () => stop(0));
  process.once('SIGINT', () => {
    // A second Ctrl-C means now.
    process.once('SIGINT', () => process.exit(130));
    stop(0);
  });
  for (let i = 0; i < count; i++) cluster.fork();
  console.log(`ngx-chat: ${count} workers on one port (WORKERS=${count}), primary ${process.pid}`);
}
