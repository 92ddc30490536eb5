import type { Request, RequestHandler } from 'express';
import type { TokenClaims } from './auth/token-verifier.js';
import type { Logger } from './logger.js';

/**
 * Logs one line per request when its response ends: method, path (never the query string),
 * status, duration and the authenticated user. Headers and bodies are left out, so no token,
 * password or message reaches the log.
 */
export function requestLog(log: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.once('close', () => {
      const claims = (req as Request & { claims?: TokenClaims }).claims;
      log.info(
        {
          method: req.method,
          path: req.path,
          status: res.statusCode,
          ms: Number(process.hrtime.bigint() - started) / 1e6,
          user: claims?.sub,
          origin: req.headers.origin,
          aborted: !res.writableFinished,
        },
        'request',
      );
    });
    next();
  };
}
