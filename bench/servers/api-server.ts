import { createServer } from 'node:http';
import type { Agent, AgentInput } from '../../server/agents/agent.js';
import { createApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { createServices } from '../../server/services.js';
import { listenForBench } from './listen.js';
import { pacedPieces, readWorkload } from './workload.js';

/** The bench workload as an agent: `metadata.chunks` pieces, `metadata.interval_ms` apart. */
class BenchAgent implements Agent {
  readonly name = 'bench';
  reply(input: AgentInput): AsyncIterable<string> {
    return pacedPieces(readWorkload({ metadata: input.metadata }), input.signal);
  }
}

/**
 * The API as shipped — auth, CORS, compression negotiation, the event log (memory, or Redis with
 * `REDIS_URL`) — with the benchmark's workload as its agent.
 */
const config = loadConfig({ ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' });
const services = await createServices(config, { agent: new BenchAgent() });
const server = createServer(createApp(services));
listenForBench(server);
