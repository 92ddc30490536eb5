import cluster from 'node:cluster';
import type { Agent, AgentInput } from '../../server/agents/agent.js';
import { runWorkers } from '../../server/ops/workers.js';
import { loadConfig } from '../../server/config.js';
import { startApi } from '../../server/start-api.js';
import { turnOffPretenuring } from '../../server/ops/v8-tuning.js';
import { announceListening, BENCH_BACKLOG } from './listen.js';
import { pacedPieces, readWorkload } from './workload.js';

/** The bench workload as an agent: `metadata.chunks` pieces, `metadata.interval_ms` apart. */
class BenchAgent implements Agent {
  readonly name = 'bench';
  reply(input: AgentInput): AsyncIterable<string> {
    return pacedPieces(readWorkload({ metadata: input.metadata }), input.signal);
  }
}

turnOffPretenuring(); // as server/main.ts does

/**
 * The API as shipped — auth, CORS, rate limiting, metrics, compression negotiation, the event
 * log (memory, or Redis with `REDIS_URL`) — with the benchmark's workload as its agent. One
 * benchmark user opens thousands of streams, so the per-user caps are lifted; the chunk buffer is
 * off so every server in the matrix sends the same events.
 */
const config = loadConfig({
  LOG_LEVEL: 'warn',
  CHUNK_FLUSH_MS: '0',
  RATE_LIMIT_PER_MINUTE: '100000000',
  MAX_CONCURRENT_STREAMS_PER_USER: '100000',
  MAX_OPEN_STREAMS: '20000',
  // The memory stores then keep as much as they did before they had per-user bounds.
  MAX_CONVERSATIONS_PER_USER: '10000',
  MAX_RETAINED_STREAMS_PER_USER: '10000',
  // The streaming path is what is measured; conversations stay in memory (or Redis) unless set.
  ...(process.env.REDIS_URL || process.env.DATABASE_URL ? {} : { CONVERSATION_STORE: 'memory' }),
  HOST: '127.0.0.1',
  ...process.env,
  PORT: process.env.PORT ?? '0',
});
if (config.workers > 1 && cluster.isPrimary) {
  // WORKERS: the primary forks the workers as server/main.ts does, and says the port they share
  // once every worker listens: the load's keep-alive connections, dealt round-robin as they are
  // opened, would otherwise all go to the first worker up.
  let listening = 0;
  cluster.on('listening', (_worker, address) => {
    listening += 1;
    if (listening === config.workers) process.stdout.write(`listening ${address.port}\n`);
  });
  runWorkers(config.workers);
} else {
  // The production server exactly (its timeouts included), with the bench's agent.
  const api = await startApi(config, { overrides: { agent: new BenchAgent() }, backlog: BENCH_BACKLOG });
  if (cluster.isWorker) api.server.keepAliveTimeout = 60_000;
  else announceListening(api.server);
}
