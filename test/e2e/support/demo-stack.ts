import type { ServerResponse } from 'node:http';
import express, { type RequestHandler } from 'express';
import { demoApiEnv } from '../../../demo/server/demo-config.js';
import { startDemoSites, type DemoSites } from '../../../demo/server/demo-sites.js';
import { loadConfig } from '../../../server/config.js';
import { startApi } from '../../../server/start-api.js';
import { conversationsFor } from '../../support/test-api.js';

/** What the tests see of the API's traffic. */
export interface DemoTraffic {
  /** Requests to `/auth/guest` (preflights included), and POSTs answered 200 (a token obtained). */
  guestRequests: number;
  guestTokensIssued: number;
  /** `POST /stream/chat` without `Last-Event-ID` (new messages), and with it (resumes). */
  sends: number;
  resumes: number;
}

/** The API and both demo sites, as `npm start` runs them, on free ports. */
export interface DemoStack {
  apiUrl: string;
  sites: DemoSites;
  traffic: DemoTraffic;
  /** Destroys the socket of every open event stream: the server side of the connection goes away mid-reply. */
  cutStreams(): number;
  resetTraffic(): void;
  close(): Promise<void>;
}

const emptyTraffic = (): DemoTraffic => ({ guestRequests: 0, guestTokensIssued: 0, sends: 0, resumes: 0 });

/**
 * Starts the demo sites, then the API in this process with the environment `npm start` gives it
 * (`demoApiEnv`: the allowed site's origin alone in `ALLOWED_ORIGINS`) plus `env`, behind a
 * middleware that counts requests and can cut streams. Everything listens on 127.0.0.1.
 */
export async function startDemoStack(env: Record<string, string> = {}): Promise<DemoStack> {
  let apiUrl = '';
  const sites = await startDemoSites({ allowedPort: 0, refusedPort: 0, hostname: '127.0.0.1', host: '127.0.0.1', apiUrl: () => apiUrl });
  const config = loadConfig(
    demoApiEnv(0, sites.allowedUrl, {
      LOG_LEVEL: 'silent',
      RATE_LIMIT_PER_MINUTE: '100000',
      LOGIN_RATE_LIMIT_PER_MINUTE: '100000',
      GUEST_RATE_LIMIT_PER_MINUTE: '100000',
      GUEST_IDENTITIES_PER_IP_PER_HOUR: '100000',
      HOST: '127.0.0.1',
      ...conversationsFor(env),
      ...env,
    }),
  );
  const openStreams = new Set<ServerResponse>();
  let traffic = emptyTraffic();

  const count: RequestHandler = (req, res, next) => {
    if (req.path === '/auth/guest') {
      traffic.guestRequests += 1;
      res.on('finish', () => {
        if (req.method === 'POST' && res.statusCode === 200) traffic.guestTokensIssued += 1;
      });
    }
    if (req.method === 'POST' && req.path === '/stream/chat') {
      if (req.get('last-event-id') === undefined) traffic.sends += 1;
      else traffic.resumes += 1;
      openStreams.add(res);
      res.on('close', () => openStreams.delete(res));
    }
    next();
  };
  const api = await startApi(config, { handler: (app) => express().use(count).use(app) });
  apiUrl = api.url;

  return {
    apiUrl,
    sites,
    get traffic() {
      return traffic;
    },
    cutStreams() {
      const cut = [...openStreams].filter((res) => res.headersSent && !res.writableEnded);
      for (const res of cut) res.socket?.destroy();
      return cut.length;
    },
    resetTraffic() {
      traffic = emptyTraffic();
    },
    async close() {
      await api.close();
      await sites.close();
    },
  };
}
