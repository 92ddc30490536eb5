import cluster from 'node:cluster';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import express, { type Express } from 'express';
import type { WebSocketServer } from 'ws';
import { createApp } from './app.js';
import type { Config } from './config.js';
import { handleErrors } from './http/errors.js';
import { handleMetrics } from './routes/ops-routes.js';
import { createServices, type ServiceOverrides, type Services } from './services.js';
import { attachWebSocket, closeWebSocket } from './transports/ws/ws-chat.js';

/** How {@link startApi} runs the API, besides its configuration. */
export interface StartApiOptions {
  /** Parts to use instead of those the configuration names (a test agent, a store). Defaults to none. */
  overrides?: ServiceOverrides;
  /**
   * What serves HTTP requests, given the API's app: a test or the demo wraps it in counting and
   * fault-injecting middleware. Defaults to the app itself.
   */
  handler?: (app: Express) => RequestListener;
  /** Accept-queue length; the benchmark raises it for its bursts. Defaults to Node's (511). */
  backlog?: number;
}

/** The API listening, with its parts. */
export interface RunningApi {
  /** `http://<host>:<port>` of the API. */
  url: string;
  port: number;
  server: Server;
  services: Services;
  webSocket: WebSocketServer;
  /**
   * Graceful shutdown: reports not ready and stops accepting, lets running replies finish for up
   * to `SHUTDOWN_GRACE_MS`, ends the rest (their readers get an `error` event telling them to send
   * again; with Redis what was logged stays readable from other instances), closes every
   * WebSocket with 1001 and lets the last bytes leave. Resolves with whether every reply finished.
   */
  shutdown(): Promise<boolean>;
  /** Stops at once: every connection cut, the stores closed. For tests. */
  close(): Promise<void>;
}

/** How long shutdown waits for finished responses' connections to close before cutting them. */
const CONNECTION_DRAIN_MS = 2000;

/**
 * Builds the services and the app for `config` and listens on `PORT`/`HOST` (and on
 * `METRICS_PORT` for `/metrics`, when set), with the production server's timeouts. The one
 * bootstrap of the API: the entry file, the tests, the demo and the benchmark all call it.
 * @throws ConfigError when a file the configuration names is unusable; a listen error as is.
 */
export async function startApi(config: Config, options: StartApiOptions = {}): Promise<RunningApi> {
  const services = await createServices(config, options.overrides);
  // One of the workers of `WORKERS` (server/ops/workers.ts): a scrape reaching it sees them all.
  if (config.workers > 1 && cluster.isWorker) services.metrics.readAcrossWorkers();
  const app = createApp(services);
  // Against slow or idle clients: the headers, then the whole request, must arrive in time. Node
  // enforces both only when it checks its connections, every 30 s by default; check every second.
  const server = createServer(
    { headersTimeout: config.headersTimeoutMs, requestTimeout: config.requestTimeoutMs, connectionsCheckingInterval: 1000 },
    options.handler ? options.handler(app) : app,
  );
  const webSocket = attachWebSocket(server, services);
  const servers = [server];
  try {
    await listen(server, config.port, config.host, options.backlog);
    if (config.metricsPort !== undefined) {
      const metrics = metricsServer(services);
      servers.push(metrics);
      await listen(metrics, config.metricsPort, config.host);
    }
  } catch (err) {
    for (const open of servers) open.close();
    await services.close();
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  return {
    url: `http://${host}:${port}`,
    port,
    server,
    services,
    webSocket,
    shutdown: () => shutDown(config, services, servers, webSocket),
    async close() {
      await closeWebSocket(webSocket);
      for (const open of servers) open.closeAllConnections();
      await Promise.all(servers.map((open) => new Promise<void>((resolve) => open.close(() => resolve()))));
      await services.close();
    },
  };
}

function listen(server: Server, port: number, host: string, backlog?: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, backlog }, () => {
      server.off('error', reject);
      resolve();
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

async function shutDown(config: Config, services: Services, servers: Server[], webSocket: WebSocketServer): Promise<boolean> {
  services.log.info({ graceMs: config.shutdownGraceMs }, 'shutting down: draining');
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
  return finished;
}
