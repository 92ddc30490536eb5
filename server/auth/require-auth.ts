import type { Request, RequestHandler } from 'express';
import { unauthorized, type TokenClaims, type TokenVerifier } from './token-verifier.js';

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)$/;

/** Verified claims of the request's bearer token, set by {@link requireAuth}. */
export function claimsOf(req: Request): TokenClaims {
  const claims = (req as Request & { claims?: TokenClaims }).claims;
  if (!claims) throw new Error('claimsOf() called on a route without requireAuth()');
  return claims;
}

/** The user a host app's own session names (see {@link Authenticate}). */
export interface SessionUser {
  /** The user id streams and conversations are kept under: stable, and unique in the host app. */
  sub: string;
}

/**
 * A host app's sign-in, for the API mounted in it (`createChatApi`): the user of the request's
 * own session (a cookie, say), or undefined when it has none. Asked before the bearer token.
 */
export type Authenticate = (req: Request) => SessionUser | undefined | Promise<SessionUser | undefined>;

/** How long claims taken from a host session are treated as valid: the one request they are for. */
const SESSION_CLAIMS_S = 60;

/** The user `authenticate` finds for `req`, checked, or undefined. */
export async function sessionUser(authenticate: Authenticate, req: Request): Promise<SessionUser | undefined> {
  const user = await authenticate(req);
  if (user === undefined) return undefined;
  if (typeof user?.sub !== 'string' || user.sub === '' || user.sub.length > 256) {
    throw new Error('authenticate() must return {sub} with a non-empty string of at most 256 characters, or undefined.');
  }
  return { sub: user.sub };
}

/**
 * Requires a user: from the host app's session when `authenticate` is given and finds one, else
 * from `Authorization: Bearer <jwt>`. Tokens are only read from that header, never from a query
 * string, so they stay out of URLs and access logs.
 */
export function requireAuth(verifier: TokenVerifier, authenticate?: Authenticate): RequestHandler {
  const bearer = bearerAuth(verifier);
  if (!authenticate) return bearer;
  return async (req, res, next) => {
    const user = await sessionUser(authenticate, req);
    if (!user) return bearer(req, res, next);
    (req as Request & { claims?: TokenClaims }).claims = { sub: user.sub, exp: Math.floor(Date.now() / 1000) + SESSION_CLAIMS_S };
    next();
  };
}

function bearerAuth(verifier: TokenVerifier): RequestHandler {
  return (req, _res, next) => {
    const header = req.headers.authorization;
    if (!header) throw unauthorized('Send "Authorization: Bearer <token>"; get a token from /auth/login or /auth/guest.');
    const match = BEARER.exec(header.trim());
    if (!match) throw unauthorized('The Authorization header must be "Bearer <jwt>".');
    (req as Request & { claims?: TokenClaims }).claims = verifier.verify(match[1]);
    next();
  };
}
