import { pino, type DestinationStream, type Logger } from 'pino';

/**
 * Creates the process logger: JSON lines on stdout. Authorization headers, cookies,
 * passwords and tokens are redacted wherever they appear, so no credential reaches a log.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
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
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };
