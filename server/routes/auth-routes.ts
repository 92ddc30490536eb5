import { randomUUID } from 'node:crypto';
import { Router, type Request } from 'express';
import { HttpError } from '../http/errors.js';
import { isJsonRequest } from '../http/json-body.js';
import { byIp, type RateLimit } from '../http/rate-limits.js';
import { sessionUser, type Authenticate } from '../auth/require-auth.js';
import type { TokenIssuer } from '../auth/token-issuer.js';
import type { TokenVerifier } from '../auth/token-verifier.js';
import type { UserStore } from '../auth/user-store.js';

/** What the auth routes need. */
export interface AuthRoutesOptions {
  users: UserStore | undefined;
  issuer: TokenIssuer | undefined;
  verifier: TokenVerifier;
  /** The host app's sign-in, when the API is mounted in one: enables `POST /auth/session`. */
  authenticate: Authenticate | undefined;
  tokenTtlS: number;
  guestTokens: boolean;
  guestTokenTtlS: number;
  /** How long after issue an expired guest token may still be renewed for the same guest, in seconds. */
  guestRenewalS: number;
  /** Counts the new guest identities issued per client address (`GUEST_IDENTITIES_PER_IP_PER_HOUR`). */
  newGuests: RateLimit;
}

const GUEST_PREFIX = 'guest:';

/**
 * `POST /auth/login` (username and password → token), `POST /auth/guest` (an anonymous
 * visitor's token, for widgets on public pages) and, mounted in a host app with its own sign-in,
 * `POST /auth/session` (the session's user → token: the widget's `token-url`). All sign HS256
 * tokens with `JWT_SECRET`.
 */
export function authRoutes(options: AuthRoutesOptions): Router {
  const router = Router();

  router.post('/auth/login', async (req, res) => {
    const issuer = requireIssuer(options.issuer);
    const { username, password } = readCredentials(req);
    const user = options.users ? await options.users.authenticate(username, password) : undefined;
    if (!user) throw new HttpError(401, 'invalid_credentials', 'The username or password is wrong.');
    res.set('Cache-Control', 'no-store').json(issuer.issue(user, options.tokenTtlS));
  });

  router.post('/auth/guest', async (req, res) => {
    const issuer = requireIssuer(options.issuer);
    if (!options.guestTokens) throw new HttpError(403, 'guest_tokens_disabled', 'Guest tokens are off on this API (GUEST_TOKENS=off).');
    // corsAllowList has already refused every origin not allow-listed; here the Origin must be present.
    if (!req.headers.origin) throw new HttpError(403, 'origin_required', 'Guest tokens are only issued to pages on an allowed origin.');
    const address = byIp(req);
    let sub = renewableGuest(req, options);
    if (sub === undefined) {
      // Every identity brings its own per-user quotas: bounding them per address bounds what one client holds.
      await options.newGuests.hit(address);
      sub = `${GUEST_PREFIX}${randomUUID()}`;
    }
    // The address travels in the token, so the streams of all the guests of one client are counted together.
    res.set('Cache-Control', 'no-store').json(issuer.issue(sub, options.guestTokenTtlS, { net: address }));
  });

  router.post('/auth/session', async (req, res) => {
    if (!options.authenticate) throw new HttpError(404, 'no_host_sessions', 'This API is not mounted in an app with sessions of its own (createChatApi with authenticate).');
    const issuer = requireIssuer(options.issuer);
    const user = await sessionUser(options.authenticate, req);
    if (!user) throw new HttpError(401, 'no_session', 'Sign in to the site first: the request carries no session.');
    res.set('Cache-Control', 'no-store').json(issuer.issue(user.sub, options.tokenTtlS));
  });

  return router;
}

function requireIssuer(issuer: TokenIssuer | undefined): TokenIssuer {
  if (!issuer) throw new HttpError(404, 'token_issuing_disabled', 'This API does not issue tokens (no JWT_SECRET); get one from the site owner.');
  return issuer;
}

function readCredentials(req: Request): { username: string; password: string } {
  if (!isJsonRequest(req)) throw new HttpError(415, 'unsupported_media_type', 'Send {"username","password"} as application/json.');
  const body: unknown = req.body;
  const { username, password } = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (typeof username !== 'string' || typeof password !== 'string' || !username || !password || username.length > 256 || password.length > 1024) {
    throw new HttpError(400, 'invalid_credentials_format', 'Send {"username": string, "password": string}.');
  }
  return { username, password };
}

/**
 * A guest that sends its previous guest token (even expired, within the renewal window) keeps
 * its identity, so it can still resume its streams and read its conversations.
 */
function renewableGuest(req: Request, options: AuthRoutesOptions): string | undefined {
  const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
  if (!token) return undefined;
  const claims = options.verifier.verifyIgnoringExpiry(token, options.guestRenewalS);
  return claims?.sub.startsWith(GUEST_PREFIX) ? claims.sub : undefined;
}
