import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { claimsOf } from '../auth/require-auth.js';
import { HttpError } from '../http/errors.js';
import type { RateLimit } from '../http/rate-limits.js';
import { MAX_TEX_LENGTH, TexRenderer } from '../render/tex-to-mathml.js';

/** Most formulas in one request: a reply's worth. */
export const MAX_FORMULAS = 64;

const MATH_BODY = z.strictObject({
  formulas: z.array(z.strictObject({ tex: z.string().min(1).max(MAX_TEX_LENGTH), display: z.boolean() })).min(1).max(MAX_FORMULAS),
});

/**
 * `POST /math` `{"formulas":[{"tex","display"}]}` → `{"mathml":[…]}`: each formula as MathML
 * markup, or `null` where it is not TeX that temml reads. For signed-in users (the widget's
 * token), counted per user by `limit`.
 */
export function mathRoutes(json: RequestHandler, limit: RateLimit): Router {
  const renderer = new TexRenderer();
  const router = Router();
  router.post('/math', json, async (req, res) => {
    await limit.hit(`user:${claimsOf(req).sub}`);
    const body = MATH_BODY.safeParse(req.body);
    if (!body.success) {
      throw new HttpError(400, 'invalid_math', `Send {"formulas": [{"tex": "…", "display": false}]}: 1 to ${MAX_FORMULAS} formulas of at most ${MAX_TEX_LENGTH} characters.`);
    }
    res.set('Cache-Control', 'no-store').json({ mathml: body.data.formulas.map(({ tex, display }) => renderer.render(tex, display)) });
  });
  return router;
}
