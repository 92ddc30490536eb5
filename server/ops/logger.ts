import { pino, type DestinationStream, type Logger } from 'pino';

/**
 * Creates the process logger: JSON lines on stdout (or `destination`), human-readable with `pretty`. Authorization headers, cookies,
 * passwords and tokens are redacted wherever they appear, so no credential reaches a log.
 */
export function createLogger(level: string, destination?: DestinationStream, pretty = false): Logger {
  const options = {
    level,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        '*.password',
        '*.access_token',
        '*.token',
      ],
      censor: '[redacted]',
    },
  };
  if (destination) return pino(options, destination);
  // pino-pretty runs in a worker thread, off the event loop that serves streams.
  return pretty ? pino(options, pino.transport({ target: 'pino-pretty', options: { colorize: true, translateTime: 'HH:MM:ss.l' } })) : pino(options);
}

export type { Logger };
