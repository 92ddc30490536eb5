import { timingSafeEqual } from 'node:crypto';
import { Router, type RequestHandler } from 'express';
import { HttpError } from '../http/errors.js';
import type { Services } from '../services.js';

/**
 * `GET /healthz` (the process is alive) and `GET /readyz` (ready to serve: not draining, stores
 * reachable). With MCP servers configured, `/readyz` also lists each one's state; one that is
 * down does not make the instance unready — the chat goes on without its tools.
 */
export function healthRoutes(services: Services): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const ready = await services.ready();
    const status = ready ? 'ready' : services.draining ? 'draining' : 'store_unavailable';
    const mcp = services.tools.status();
    res
      .status(ready ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .json(mcp.length > 0 ? { status, mcp_servers: mcp } : { status });
  });
  return router;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * `GET /metrics` in the Prometheus text format. With `METRICS_TOKEN` set it requires
 * `Authorization: Bearer <METRICS_TOKEN>`.
 */
export function handleMetrics(services: Services): RequestHandler {
  const token = services.config.metricsToken;
  return async (req, res) => {
    if (token !== undefined && !sameSecret(req.headers.authorization ?? '', `Bearer ${token}`)) {
      throw new HttpError(401, 'unauthorized', 'Send "Authorization: Bearer <METRICS_TOKEN>" to read the metrics.', { 'WWW-Authenticate': 'Bearer realm="metrics"' });
    }
    let text: string;
    try {
      text = await services.metrics.text();
    } catch (err) {
      services.log.warn({ err }, 'reading the metrics failed');
      throw new HttpError(503, 'metrics_unavailable', "The workers' metrics could not be gathered; scrape again.");
    }
    res.set('Content-Type', services.metrics.registry.contentType).set('Cache-Control', 'no-store');
    res.send(text);
  };
}
