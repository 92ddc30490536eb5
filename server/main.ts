import cluster from 'node:cluster';
import { ConfigError, loadConfig, type Config } from './config.js';
import { runWorkers } from './ops/workers.js';
import { startApi, type RunningApi } from './start-api.js';
import { turnOffPretenuring } from './ops/v8-tuning.js';
import { DataDirInUseError } from './stores/sql/pglite-client.js';
import { StoreUnavailableError } from './stores/store-errors.js';

/** Stops the process with a message for whoever started it. */
function fail(message: string): never {
  console.error(`ngx-chat: ${message}`);
  process.exit(1);
}

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) fail(`configuration error: ${err.message}`);
    throw err;
  }
}

async function start(config: Config): Promise<RunningApi> {
  try {
    return await startApi(config);
  } catch (err) {
    if (err instanceof ConfigError) fail(`configuration error: ${err.message}`);
    if (err instanceof DataDirInUseError || err instanceof StoreUnavailableError) fail(`cannot open the conversations: ${err.message}`);
    const { code, port } = err as NodeJS.ErrnoException & { port?: number };
    if (code === 'EADDRINUSE') {
      const variable = port === config.metricsPort ? 'METRICS_PORT' : 'PORT';
      fail(`cannot listen: port ${port} is in use; set ${variable} to a free port.`);
    }
    throw err;
  }
}

/** The API's entry point: reads the configuration, starts the API, and shuts it down gracefully on SIGTERM or Ctrl-C. */
async function main(): Promise<void> {
  const config = readConfig();
  if (config.workers > 1 && cluster.isPrimary) {
    runWorkers(config.workers);
    return;
  }
  turnOffPretenuring();
  const api = await start(config);
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    api.services.log.info({ signal }, 'signal received');
    await api.shutdown();
    process.exit(0);
  };
  // A repeated SIGTERM changes nothing; a second Ctrl-C stops at once, as a person pressing it means.
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => {
    process.once('SIGINT', () => process.exit(130));
    void shutdown('SIGINT');
  });
  api.services.log.info({ port: api.port, host: config.host, production: config.production }, `ngx-chat API listening on http://localhost:${api.port}`);
}

await main();
