import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A reverse proxy in front of the API. */
export interface BufferingProxy {
  url: string;
  close(): Promise<void>;
}

/**
 * A reverse proxy that buffers every response whole before passing it on, as nginx does with
 * `proxy_buffering on` and buffers larger than the reply: an event stream arrives in one burst
 * at its end.
 */
export async function startBufferingProxy(target: string): Promise<BufferingProxy> {
  const upstreamUrl = new URL(target);
  const server: Server = createServer((req, res) => {
    const headers = { ...req.headers, host: upstreamUrl.host, 'accept-encoding': 'identity' };
    const upstream = request({ hostname: upstreamUrl.hostname, port: upstreamUrl.port, path: req.url, method: req.method, headers }, (answer) => {
      const body: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => body.push(chunk));
      answer.on('end', () => {
        const { 'transfer-encoding': _chunked, connection: _connection, ...kept } = answer.headers;
        res.writeHead(answer.statusCode ?? 502, kept);
        res.end(Buffer.concat(body));
      });
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
