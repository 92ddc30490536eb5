import type { Request, RequestHandler } from 'express';
import type { TokenClaims } from '../auth/token-verifier.js';
import type { Logger } from '../ops/logger.js';

/**
 * Logs one line per request when its response ends: method, path (never the query string),
 * status, duration and the authenticated user. Headers and bodies are left out, so no token,
 * password or message reaches the log.
 */
export function requestLog(log: Logger): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    // The stream routes measure time to first event from here.
    res.locals.startedAt = started;
    if (!log.isLevelEnabled('info')) {
      next();
      return;
    }
    res.once('close', () => {
      const claims = (req as Request & { claims?: TokenClaims }).claims;
      log.info(
        {
          method: req.method,
          path: req.path,
          status: res.statusCode,
          ms: Math.round((performance.now() - started) * 100) / 100,
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
