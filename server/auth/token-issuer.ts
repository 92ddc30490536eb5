import { createSecretKey, randomUUID, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { TokenClaims } from './token-verifier.js';

/** A token as `/auth/login` and `/auth/guest` answer it. */
export interface IssuedToken {
  access_token: string;
  token_type: 'bearer';
  /** Seconds until the token expires. */
  expires_in: number;
}

/** Options for {@link TokenIssuer}. */
export interface TokenIssuerOptions {
  /** HMAC secret the tokens are signed with (HS256). */
  secret: string;
  /** `iss` claim, when configured. */
  issuer?: string;
  /** `aud` claim, when configured. */
  audience?: string;
}

/** Signs HS256 tokens for logged-in users and guests. */
export class TokenIssuer {
  private readonly key: KeyObject;

  constructor(private readonly options: TokenIssuerOptions) {
    this.key = createSecretKey(Buffer.from(options.secret, 'utf8'));
  }

  /** Issues a token for `sub` that lives `ttlS` seconds, with the `claims` given besides the registered ones. */
  issue(sub: string, ttlS: number, claims: Pick<TokenClaims, 'net'> = {}): IssuedToken {
    const access_token = jwt.sign({ ...claims }, this.key, {
      algorithm: 'HS256',
      subject: sub,
      expiresIn: ttlS,
      jwtid: randomUUID(),
      ...(this.options.issuer ? { issuer: this.options.issuer } : {}),
      ...(this.options.audience ? { audience: this.options.audience } : {}),
    });
    return { access_token, token_type: 'bearer', expires_in: ttlS };
  }
}
