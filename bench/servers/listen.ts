import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A big accept queue, so a burst of connections is not refused. */
export const BENCH_BACKLOG = 4096;

/**
 * Keeps idle connections a minute and prints `listening <port>` on stdout (the line the
 * benchmark waits for) once `server` listens; exits on SIGTERM.
 */
export function announceListening(server: Server): void {
  server.keepAliveTimeout = 60_000;
  const announce = () => process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
  if (server.listening) announce();
  else server.once('listening', announce);
  process.on('SIGTERM', () => process.exit(0));
}

/** Listens on `PORT` (0 for a free one) on loopback, as {@link announceListening} says. */
export function listenForBench(server: Server): void {
  announceListening(server);
  server.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1', backlog: BENCH_BACKLOG });
}
