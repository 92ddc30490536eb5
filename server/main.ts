import { createServer, type Server } from 'node:http';
import express from 'express';
import { createApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { handleErrors } from './errors.js';
import { handleMetrics } from './ops-routes.js';
import { createServices, type Services } from './services.js';

function listen(server: Server, port: number, host: string, variable: string): Promise<number> {
  return new Promise((resolve) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      const hint = err.code === 'EADDRINUSE' ? `port ${port} is in use; set ${variable} to a free port.` : err.message;
      console.error(`ngx-chat: cannot listen: ${hint}`);
      process.exit(1);
    });
    server.listen(port, host, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/** Serves `/metrics` alone on `METRICS_PORT`, so the public port need not expose it. */
function metricsServer(services: Services): Server {
  const app = express();
  app.get('/metrics', handleMetrics(services));
  app.use(handleErrors((err) => services.log.error({ err }, 'metrics failed')));
  return createServer(app);
}

/**
 * Graceful shutdown: report not ready and stop accepting, let running replies finish for up to
 * `SHUTDOWN_GRACE_MS`, then end the rest (their readers get an `error` event telling them to send
 * again; with Redis the logged events stay readable from other instances), and exit 0.
 */
function onShutdown(config: Config, services: Services, servers: Server[]): (signal: string) => Promise<void> {
  let stopping = false;
  return async (signal) => {
    if (stopping) return;
    stopping = true;
    services.log.info({ signal, graceMs: config.shutdownGraceMs }, 'shutting down: draining');
    services.drain();
    for (const server of servers) {
      server.close();
      server.closeIdleConnections();
    }
    const finished = await services.settle(config.shutdownGraceMs);
    services.log.info({ finished }, finished ? 'all replies finished' : 'grace period over: ending the remaining replies');
    await services.close();
    for (const server of servers) server.closeAllConnections();
    process.exit(0);
  };
}

/** The API's entry point: reads the configuration, builds the app and listens. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`ngx-chat: configuration error: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  const services = await createServices(config);
  const server = createServer(createApp(services));
  // Against slow or idle clients: the headers, then the whole request, must arrive in time.
  server.headersTimeout = config.headersTimeoutMs;
  server.requestTimeout = config.requestTimeoutMs;
  const servers = [server];
  const shutdown = onShutdown(config, services, servers);
  // A repeated SIGTERM changes nothing; a second Ctrl-C stops at once, as a person pressing it means.
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => {
    process.once('SIGINT', () => process.exit(130));
    void shutdown('SIGINT');
  });
  const port = await listen(server, config.port, config.host, 'PORT');
  if (config.metricsPort !== undefined) {
    const metrics = metricsServer(services);
    servers.push(metrics);
    await listen(metrics, config.metricsPort, config.host, 'METRICS_PORT');
  } else if (config.production && config.metricsToken === undefined) {
    services.log.warn('/metrics is open to anyone who reaches this port: set METRICS_TOKEN or METRICS_PORT');
  }
  services.log.info({ port, host: config.host, production: config.production }, `ngx-chat API listening on http://localhost:${port}`);
}

await main();
