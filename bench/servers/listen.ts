import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Listens on `PORT` (0 for a free one) on loopback and prints `listening <port>` on stdout: the
 * line the benchmark waits for. A big backlog, so a burst of connections is not refused.
 */
export function listenForBench(server: Server): void {
  server.keepAliveTimeout = 60_000;
  server.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1', backlog: 4096 }, () => {
    process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
  });
  process.on('SIGTERM', () => process.exit(0));
}
