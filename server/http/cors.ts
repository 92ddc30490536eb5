import type { RequestHandler } from 'express';
import { originNotAllowed } from './errors.js';

const ALLOWED_METHODS = 'GET, POST, PATCH, DELETE, OPTIONS';
const ALLOWED_HEADERS = 'Authorization, Content-Type, Last-Event-ID, Accept';
/** Headers the widget reads from responses. */
const EXPOSED_HEADERS = 'Retry-After, WWW-Authenticate';
const PREFLIGHT_MAX_AGE_S = '600';

/**
 * Builds a matcher for `ALLOWED_ORIGINS` entries: exact origins, or `scheme://host:*` for any
 * port of that host. Nothing else is a pattern: `https://example.com` does not allow its subdomains.
 */
export function createOriginMatcher(allowedOrigins: string[]): (origin: string) => boolean {
  const exact = new Set(allowedOrigins.filter((entry) => !entry.endsWith(':*')));
  const anyPort = allowedOrigins.filter((entry) => entry.endsWith(':*')).map((entry) => entry.slice(0, -2));
  return (origin) => {
    if (exact.has(origin)) return true;
    return anyPort.some((prefix) => origin === prefix || (origin.startsWith(`${prefix}:`) && /^\d{1,5}$/.test(origin.slice(prefix.length + 1))));
  };
}

/**
 * CORS allow-listing for the API routes. Requests without `Origin` (servers, curl) are not
 * CORS requests and pass. An allowed origin gets `Access-Control-Allow-Origin` set to exactly
 * that origin; any other origin gets a 403 JSON error with no CORS headers, preflight included
 * (curl and server logs show why; the browser blocks the page from reading anything).
 */
export function corsAllowList(allowedOrigins: string[]): RequestHandler {
  const isAllowed = createOriginMatcher(allowedOrigins);
  return (req, res, next) => {
    res.vary('Origin');
    const origin = req.headers.origin;
    if (origin === undefined) {
      next();
      return;
    }
    if (!isAllowed(origin)) {
      next(originNotAllowed(origin));
      return;
    }
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS);
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', ALLOWED_METHODS);
      res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
      res.setHeader('Access-Control-Max-Age', PREFLIGHT_MAX_AGE_S);
      res.status(204).end();
      return;
    }
    next();
  };
}
