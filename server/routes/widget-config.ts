import { Router } from 'express';
import type { Config } from '../config.js';

/** How long browsers may reuse the answer, in seconds: limits change with a redeploy, rarely. */
const MAX_AGE_S = 300;

/**
 * `GET /widget/config`: what the widget needs to know of this API before it sends anything —
 * the longest message it accepts, so a draft over it is refused in the page instead of being
 * sent and lost. Public and the same for every origin, like the widget's files: it says nothing
 * a refused request would not.
 */
export function widgetConfig(config: Pick<Config, 'maxMessageLength'>): Router {
  const body = JSON.stringify({ max_message_length: config.maxMessageLength });
  const router = Router();
  router.get('/widget/config', (_req, res) => {
    res.set({ 'Access-Control-Allow-Origin': '*', 'Cache-Control': `public, max-age=${MAX_AGE_S}`, 'Content-Type': 'application/json; charset=utf-8' }).send(body);
  });
  return router;
}
