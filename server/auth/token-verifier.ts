import { createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import jwt, { type Algorithm, type JwtPayload } from 'jsonwebtoken';
import { HttpError } from '../http/errors.js';

/** What a verified token tells the API about its bearer. */
export interface TokenClaims {
  /** The user id: a username, a site owner's user id, or `guest:<uuid>`. */
  sub: string;
  /** Expiry, in seconds since the epoch. */
  exp: number;
  /** In a guest token this API issued: the client address it was issued to, for the caps per address. */
  net?: string;
}

/** Options for {@link TokenVerifier}. */
export interface TokenVerifierOptions {
  /** HMAC secret for HS256 tokens. */
  secret?: string;
  /** PEM public key for RS256 (RSA key) or ES256 (P-256 key) tokens. */
  publicKey?: string;
  /** Expected `iss`, checked when set. */
  issuer?: string;
  /** Expected `aud`, checked when set. */
  audience?: string;
  /**
   * Longest accepted token life, in seconds: a token issued longer ago, or whose `exp` lies
   * further than this past its `iat` (or past now, without `iat`), is refused. Defaults to 86400.
   */
  maxAgeS?: number;
  /** How many verified tokens to remember. Defaults to 10000. */
  cacheSize?: number;
}

/** The 401 every token defect gets; the message says what was wrong without echoing the token. */
export function unauthorized(message: string): HttpError {
  return new HttpError(401, 'unauthorized', message, { 'WWW-Authenticate': 'Bearer realm="ngx-chat"' });
}

/**
 * Verifies bearer tokens with pinned algorithms: HS256 against the secret, RS256/ES256 against
 * the public key, nothing else (so `alg: none` and an HMAC token signed with the public key fail).
 *
 * Keys are built once: jsonwebtoken given a string secret first tries it as a public key and
 * catches the failure, on every call. Verified tokens are cached (bounded, never past `exp`)
 * because a widget sends the same token with every request.
 */
export class TokenVerifier {
  private readonly secretKey: KeyObject | undefined;
  private readonly publicKey: KeyObject | undefined;
  private readonly publicAlgorithm: Algorithm | undefined;
  private readonly cache = new Map<string, TokenClaims>();
  private readonly cacheSize: number;

  constructor(private readonly options: TokenVerifierOptions) {
    this.secretKey = options.secret ? createSecretKey(Buffer.from(options.secret, 'utf8')) : undefined;
    this.publicKey = options.publicKey ? createPublicKey(options.publicKey) : undefined;
    this.publicAlgorithm = this.publicKey?.asymmetricKeyType === 'ec' ? 'ES256' : this.publicKey ? 'RS256' : undefined;
    this.cacheSize = options.cacheSize ?? 10_000;
  }

  /**
   * Verifies a token and returns its claims.
   * @throws HttpError 401 for any defect: malformed, wrong algorithm or signature, expired, no `exp`, wrong `iss`/`aud`.
   */
  verify(token: string): TokenClaims {
    const cached = this.cache.get(token);
    if (cached && cached.exp * 1000 > Date.now()) return cached;
    if (cached) this.cache.delete(token);
    const claims = this.verifyUncached(token);
    if (this.cache.size >= this.cacheSize) {
      // Maps iterate in insertion order, so the first key is the oldest entry.
      this.cache.delete(this.cache.keys().next().value as string);
    }
    this.cache.set(token, claims);
    return claims;
  }

  /**
   * Verifies the signature and claims but accepts an expired token issued at most `maxAgeS` ago;
   * used to renew a guest's identity. Returns undefined when the token is not acceptable.
   */
  verifyIgnoringExpiry(token: string, maxAgeS: number): TokenClaims | undefined {
    try {
      const payload = this.decode(token, { ignoreExpiration: true, maxAge: maxAgeS });
      return { sub: payload.sub as string, exp: payload.exp as number };
    } catch {
      // Any defect simply means "no renewal": the caller issues a fresh identity instead.
      return undefined;
    }
  }

  private verifyUncached(token: string): TokenClaims {
    let payload: JwtPayload;
    try {
      payload = this.decode(token, {});
    } catch (err) {
      if (err instanceof jwt.TokenExpiredError) throw unauthorized('The token has expired; get a new one.');
      if (err instanceof HttpError) throw err;
      throw unauthorized(`The token is not valid (${describeDefect(err)}).`);
    }
    this.checkAge(payload);
    const claims: TokenClaims = { sub: payload.sub as string, exp: payload.exp as number };
    if (typeof payload.net === 'string') claims.net = payload.net;
    return claims;
  }

  /** Refuses a token older, or meant to live longer, than `maxAgeS` (JWT_MAX_AGE_S). */
  private checkAge(payload: JwtPayload): void {
    const maxAgeS = this.options.maxAgeS ?? 86_400;
    const now = Math.floor(Date.now() / 1000);
    const issuedAt = typeof payload.iat === 'number' ? payload.iat : undefined;
    if (issuedAt !== undefined && now - issuedAt > maxAgeS) throw unauthorized(`The token was issued more than ${maxAgeS} s ago; get a new one.`);
    if ((payload.exp as number) - (issuedAt ?? now) > maxAgeS) {
      throw unauthorized(`The token is meant to live longer than this API accepts (${maxAgeS} s, JWT_MAX_AGE_S); issue shorter-lived tokens.`);
    }
  }

  private decode(token: string, extra: jwt.VerifyOptions): JwtPayload {
    const { key, algorithm } = this.keyFor(token);
    const payload = jwt.verify(token, key, {
      ...extra,
      algorithms: [algorithm],
      issuer: this.options.issuer,
      audience: this.options.audience,
      complete: false,
    });
    if (typeof payload !== 'object' || payload === null) throw unauthorized('The token payload must be a JSON object.');
    if (typeof payload.exp !== 'number') throw unauthorized('The token has no "exp" claim; tokens must expire.');
    if (typeof payload.sub !== 'string' || payload.sub === '') throw unauthorized('The token has no "sub" claim naming the user.');
    return payload;
  }

  /** Picks the one key and algorithm allowed for the token's declared `alg`. */
  private keyFor(token: string): { key: KeyObject; algorithm: Algorithm } {
    const alg = readAlgorithm(token);
    if (alg === 'HS256' && this.secretKey) return { key: this.secretKey, algorithm: 'HS256' };
    if (alg !== undefined && alg === this.publicAlgorithm && this.publicKey) return { key: this.publicKey, algorithm: alg };
    throw unauthorized(`The token's algorithm (${alg ?? 'unreadable'}) is not accepted here.`);
  }
}

/**
 * What was wrong with a token, in words that repeat nothing the API expects: jsonwebtoken's
 * messages for a wrong `iss` or `aud` name the expected value, which a caller need not learn.
 */
function describeDefect(err: unknown): string {
  const message = err instanceof Error ? err.message : '';
  if (message.startsWith('jwt issuer invalid')) return 'wrong issuer';
  if (message.startsWith('jwt audience invalid')) return 'wrong audience';
  if (['invalid signature', 'jwt malformed', 'invalid token', 'jwt signature is required', 'jwt not active'].includes(message)) return message;
  return 'unreadable';
}

function readAlgorithm(token: string): string | undefined {
  const header = token.split('.', 1)[0];
  try {
    const parsed: unknown = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    const alg = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>).alg : undefined;
    return typeof alg === 'string' ? alg : undefined;
  } catch {
    // A header that is not base64url JSON has no algorithm; keyFor rejects it with a 401.
    return undefined;
  }
}
