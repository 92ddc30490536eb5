import { createSecretKey } from 'node:crypto';
import type { RequestHandler } from 'express';
import jwt from 'jsonwebtoken';
import { DEV_JWT_SECRET } from '../../server/config.js';

const key = createSecretKey(Buffer.from(process.env.JWT_SECRET ?? DEV_JWT_SECRET));

/**
 * The baselines' JWT check: HS256 against a key object built once, no cache — the same check
 * the API makes before its token cache.
 */
export const requireBenchToken: RequestHandler = (req, res, next) => {
  try {
    jwt.verify((req.headers.authorization ?? '').slice(7), key, { algorithms: ['HS256'] });
  } catch {
    res.status(401).json({ error: { code: 'unauthorized', message: 'bad token' } });
    return;
  }
  next();
};
