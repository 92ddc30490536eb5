import express, { type Express } from 'express';
import { authRoutes } from './auth/auth-routes.js';
import { requireAuth } from './auth/require-auth.js';
import { conversationRoutes } from './conversation-routes.js';
import { corsAllowList } from './cors.js';
import { handleErrors, handleNotFound } from './errors.js';
import { serveFirst } from './fast-route.js';
import { jsonBody } from './json-body.js';
import { handleMetrics, healthRoutes } from './ops-routes.js';
import { chatRateLimit, guestRateLimit, loginRateLimit } from './rate-limits.js';
import { requestLog } from './request-log.js';
import type { Services } from './services.js';
import { sseCompression } from './sse/sse-compression.js';
import { streamChat, streamRoutes } from './stream/stream-routes.js';
import { widgetAssets } from './widget-assets.js';

/** Largest accepted request body, in bytes. */
const BODY_LIMIT = 64 * 1024;
/** How long a guest may renew an expired guest token and stay the same guest: a day. */
const GUEST_RENEWAL_S = 86_400;

/**
 * Builds the API. Only the entry file listens, so tests start this app on port 0.
 */
export function createApp(services: Services): Express {
  const { config } = services;
  const app = express();
  app.disable('x-powered-by');
  // Behind a reverse proxy, TRUST_PROXY makes req.ip the client's address (for per-IP limits).
  app.set('trust proxy', config.trustProxy);
  const log = requestLog(services.log);
  app.use(log);

  const cors = corsAllowList(config.allowedOrigins);
  const json = jsonBody(BODY_LIMIT);
  const limits = {
    loginPerMinute: config.loginRateLimitPerMinute,
    guestPerMinute: config.guestRateLimitPerMinute,
    counters: services.rateLimitCounters,
    log: services.log,
  };
  const auth = requireAuth(services.verifier);
  const streamChain = [sseCompression(), auth, chatRateLimit(services.messageLimit)];
  const streams = streamRoutes(services);
  const onError = handleErrors((err) => services.log.error({ err }, 'unhandled error'));
  // The hot path, ahead of the router: the same middleware instances (the rate limit counts once)
  // and the same error handler as the routes below.
  serveFirst(app, { method: 'POST', path: '/stream/chat', handlers: [log, cors, json, ...streamChain, streamChat(services)], onError });

  app.use(healthRoutes(services));
  // With METRICS_PORT the metrics are served there instead (server/main.ts), away from the public port.
  if (config.metricsPort === undefined) app.get('/metrics', handleMetrics(services));

  // Public, for every origin: mounted before the API's CORS allow-list.
  app.use(widgetAssets({ allowedOrigins: config.allowedOrigins }));

  const api = express.Router();
  api.use(cors);
  api.use(json);
  api.post('/auth/login', loginRateLimit(limits));
  api.post('/auth/guest', guestRateLimit(limits));
  api.use(
    authRoutes({
      users: services.users,
      issuer: services.issuer,
      verifier: services.verifier,
      tokenTtlS: config.tokenTtlS,
      guestTokens: config.guestTokens,
      guestTokenTtlS: config.guestTokenTtlS,
      guestRenewalS: GUEST_RENEWAL_S,
    }),
  );
  api.use('/stream', ...streamChain);
  api.use('/conversations', auth);
  api.use(streams);
  api.use(conversationRoutes(services));
  app.use(api);

  app.use(handleNotFound);
  app.use(onError);
  return app;
}
