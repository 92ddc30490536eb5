import { createServer, type Server } from 'node:net';

/** A port the demo needs is taken; `what` names the server that wanted it, for the message. */
export class PortInUseError extends Error {
  override name = 'PortInUseError';

  constructor(
    /** The busy port. */
    readonly port: number,
    /** What wanted it, such as "the API". */
    readonly what: string,
  ) {
    super(`port ${port} (${what}) is in use`);
  }
}

/**
 * Listens on `port` (0 picks a free one) and resolves with the port bound.
 * @throws PortInUseError when the port is taken.
 */
export function listen(server: Server, port: number, what: string, host?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => reject(err.code === 'EADDRINUSE' ? new PortInUseError(port, what) : err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/**
 * Checks that `port` is free by listening on it for a moment, so a busy port is reported before
 * a minute of building rather than after.
 * @throws PortInUseError when the port is taken.
 */
export async function assertPortFree(port: number, what: string, host?: string): Promise<void> {
  const probe = createServer();
  await listen(probe, port, what, host);
  await new Promise<void>((resolve) => probe.close(() => resolve()));
}
