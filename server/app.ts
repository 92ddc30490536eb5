import express, { type Express } from 'express';
import { authRoutes } from './routes/auth-routes.js';
import { requireAuth } from './auth/require-auth.js';
import { conversationRoutes } from './routes/conversation-routes.js';
import { mathRoutes } from './routes/math-routes.js';
import { corsAllowList } from './http/cors.js';
import { handleErrors, handleNotFound } from './http/errors.js';
import { serveFirst } from './http/fast-route.js';
import { jsonBody } from './http/json-body.js';
import { handleMetrics, healthRoutes } from './routes/ops-routes.js';
import { chatRateLimit, guestIdentityLimit, guestRateLimit, loginRateLimit, RateLimit } from './http/rate-limits.js';
import { requestLog } from './http/request-log.js';
import type { Services } from './services.js';
import { sseCompression } from './transports/sse/sse-compression.js';
import { stopRoute, streamChat } from './routes/stream-routes.js';
import { widgetAssets } from './routes/widget-assets.js';
import { widgetConfig } from './routes/widget-config.js';

/** How long a guest may renew an expired guest token and stay the same guest: a day. */
const GUEST_RENEWAL_S = 86_400;
/** `POST /math` requests per user per minute: a reply's formulas come in one request, a reload's in one per reply. */
const MATH_REQUESTS_PER_MINUTE = 120;

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
  const json = jsonBody(config.maxBodyBytes);
  const limits = {
    loginPerMinute: config.loginRateLimitPerMinute,
    guestPerMinute: config.guestRateLimitPerMinute,
    counters: services.rateLimitCounters,
    log: services.log,
  };
  const auth = requireAuth(services.verifier, services.authenticate);
  // Authentication before the body is read: an unauthenticated request costs no buffering.
  const streamChain = [sseCompression(), auth, json, chatRateLimit(services.messageLimit)];
  const onError = handleErrors((err) => services.log.error({ err }, 'unhandled error'));
  // The hot path, ahead of the router and its only registration: the same middleware instances
  // and the same error handler as the routes below.
  serveFirst(app, { method: 'POST', path: '/stream/chat', handlers: [log, cors, ...streamChain, streamChat(services)], onError });

  app.use(healthRoutes(services));
  // With METRICS_PORT the metrics are served there instead (server/main.ts), away from the public port.
  if (config.metricsPort === undefined) app.get('/metrics', handleMetrics(services));

  // Public, for every origin: mounted before the API's CORS allow-list.
  app.use(widgetAssets({ allowedOrigins: config.allowedOrigins }));
  app.use(widgetConfig(config));

  const api = express.Router();
  api.use(cors);
  api.post('/auth/login', loginRateLimit(limits), json);
  api.post('/auth/guest', guestRateLimit(limits), json);
  api.post('/auth/session', loginRateLimit(limits));
  api.use(
    authRoutes({
      users: services.users,
      issuer: services.issuer,
      verifier: services.verifier,
      authenticate: services.authenticate,
      tokenTtlS: config.tokenTtlS,
      guestTokens: config.guestTokens,
      guestTokenTtlS: config.guestTokenTtlS,
      guestRenewalS: GUEST_RENEWAL_S,
      newGuests: guestIdentityLimit(config.guestIdentitiesPerIpPerHour, limits),
    }),
  );
  // POST /stream/chat never gets here (serveFirst above); DELETE /stream/chat/{id} has no body.
  api.use('/stream', auth);
  api.use('/conversations', auth);
  api.use('/math', auth);
  api.use(stopRoute(services));
  api.use(conversationRoutes(services, json));
  api.use(mathRoutes(json, new RateLimit({ limit: MATH_REQUESTS_PER_MINUTE, prefix: 'rl:math', what: 'formula requests', counters: services.rateLimitCounters, log: services.log })));
  app.use(api);

  app.use(handleNotFound);
  app.use(onError);
  return app;
}
