import { Router } from 'express';
import type { Config } from '../config.js';

/** How long browsers may reuse the answer, in seconds: limits change with a redeploy, rarely. */
const MAX_AGE_S = 300;

/**
 * `GET /widget/config`: what the widget needs to know of this API before it sends anything —
 * the longest message it accepts, so a draft over it is refused in the page instead of being
 * sent and lost, and each agent's greeting and starter prompts for an empty conversation. Public
 * and the same for every origin, like the widget's files: it says nothing a refused request
 * would not (a request naming an unknown agent is told the names too).
 */
export function widgetConfig(config: Pick<Config, 'maxMessageLength' | 'agent' | 'agents'>): Router {
  const agents = Object.fromEntries(
    config.agents.map((agent) => [agent.name, { ...(agent.greeting ? { greeting: agent.greeting } : {}), starter_prompts: agent.starterPrompts }]),
  );
  const body = JSON.stringify({ max_message_length: config.maxMessageLength, default_agent: config.agent, agents });
  const router = Router();
  router.get('/widget/config', (_req, res) => {
    res.set({ 'Access-Control-Allow-Origin': '*', 'Cache-Control': `public, max-age=${MAX_AGE_S}`, 'Content-Type': 'application/json; charset=utf-8' }).send(body);
  });
  return router;
}
