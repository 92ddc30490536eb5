import type { Request, RequestHandler } from 'express';
import { unauthorized, type TokenClaims, type TokenVerifier } from './token-verifier.js';

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)$/;

/** Verified claims of the request's bearer token, set by {@link requireAuth}. */
export function claimsOf(req: Request): TokenClaims {
  const claims = (req as Request & { claims?: TokenClaims }).claims;
  if (!claims) throw new Error('claimsOf() called on a route without requireAuth()');
  return claims;
}

/**
 * Requires `Authorization: Bearer <jwt>`. Tokens are only read from that header, never from a
 * query string, so they stay out of URLs and access logs.
 */
export function requireAuth(verifier: TokenVerifier): RequestHandler {
  return (req, _res, next) => {
    const header = req.headers.authorization;
    if (!header) throw unauthorized('Send "Authorization: Bearer <token>"; get a token from /auth/login or /auth/guest.');
    const match = BEARER.exec(header.trim());
    if (!match) throw unauthorized('The Authorization header must be "Bearer <jwt>".');
    (req as Request & { claims?: TokenClaims }).claims = verifier.verify(match[1]);
    next();
  };
}
