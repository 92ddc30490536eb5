import { setTimeout as sleep } from 'node:timers/promises';
import { createServer, type Server } from 'node:http';
import express from 'express';
import type { WebSocketServer } from 'ws';
import { createApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { handleErrors } from './errors.js';
import { handleMetrics } from './ops-routes.js';
import { createServices, type Services } from './services.js';
import { turnOffPretenuring } from './v8-tuning.js';
import { attachWebSocket, closeWebSocket } from './ws/ws-chat.js';

/** How long shutdown waits for finished responses' connections to close before cutting them. */
const CONNECTION_DRAIN_MS = 2000;

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
function onShutdown(config: Config, services: Services, servers: Server[], webSocket: WebSocketServer): (signal: string) => Promise<void> {
  let stopping = false;
  return async (signal) => {
    if (stopping) return;
    stopping = true;
    services.log.info({ signal, graceMs: config.shutdownGraceMs }, 'shutting down: draining');
    services.drain();
    const closed = servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
    for (const server of servers) server.closeIdleConnections();
    const finished = await services.settle(config.shutdownGraceMs);
    services.log.info({ finished }, finished ? 'all replies finished' : 'grace period over: ending the remaining replies');
    await services.close();
    // Upgraded sockets are outside the HTTP server's connection tracking: close them here, with 1001.
    await closeWebSocket(webSocket);
    // The last bytes of a compressed reply leave through zlib after res.end(); let the connections
    // close by themselves, within a bound, before cutting what is left.
    for (const server of servers) server.closeIdleConnections();
    await Promise.race([Promise.all(closed), sleep(CONNECTION_DRAIN_MS)]);
    for (const server of servers) server.closeAllConnections();
    process.exit(0);
  };
}

/** The API's entry point: reads the configuration, builds the app and listens. */
async function main(): Promise<void> {
  turnOffPretenuring();
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
  // Against slow or idle clients: the headers, then the whole request, must arrive in time. Node
  // enforces both only when it checks its connections, every 30 s by default; check every second.
  const server = createServer(
    { headersTimeout: config.headersTimeoutMs, requestTimeout: config.requestTimeoutMs, connectionsCheckingInterval: 1000 },
    createApp(services),
  );
  const webSocket = attachWebSocket(server, services);
  const servers = [server];
  const shutdown = onShutdown(config, services, servers, webSocket);
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
  }
  services.log.info({ port, host: config.host, production: config.production }, `ngx-chat API listening on http://localhost:${port}`);
}

await main();
