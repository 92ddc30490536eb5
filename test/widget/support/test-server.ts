import type { ServerResponse } from 'node:http';
import express, { type RequestHandler } from 'express';
import type { WebSocket } from 'ws';
import { loadConfig } from '../../../server/config.js';
import { conversationsFor } from '../../support/test-api.js';
import type { Services } from '../../../server/services.js';
import { startApi } from '../../../server/start-api.js';
import { WidgetTestAgent } from './widget-test-agent.js';

/** What the widget tests can see of the API's traffic. */
export interface TrafficStats {
  /** `POST /stream/chat` without `Last-Event-ID` (new messages), and `chat` messages on `/ws/chat`. */
  sends: number;
  /** `POST /stream/chat` with `Last-Event-ID` and `resume` messages on `/ws/chat`, and the ids sent. */
  resumes: number;
  resumeIds: string[];
  /** `DELETE /stream/chat/{id}`. */
  deletes: number;
  /** `GET /conversations/{id}`. */
  conversationGets: number;
  /** `POST /auth/guest`. */
  guestTokens: number;
  /** Requests answered 401. */
  unauthorized: number;
}

/** A failure the next stream requests get instead of the real answer. */
export interface InjectedFailure {
  status: number;
  code: string;
  /** How many requests fail. */
  count: number;
  retryAfterS?: number;
}

/** One running API instance with test-only hooks around it. */
export interface HookedApi {
  url: string;
  services: Services;
  stats: TrafficStats;
  /** Destroys the sockets of every open event stream and WebSocket (the server "cuts the connection"). */
  cutStreams(): number;
  /** How many event streams and WebSockets are open now. */
  openStreams(): number;
  /** Answers the next stream requests with `failure`. */
  failNext(failure: InjectedFailure): void;
  /** Makes every resume start `events` events earlier than asked, as a replaying proxy would: the widget sees duplicates. */
  rewindResumes(events: number): void;
  /** Answers every request bearing `token` with 401 from now on. */
  rejectToken(token: string): void;
  resetStats(): void;
  close(): Promise<void>;
}

const emptyStats = (): TrafficStats => ({ sends: 0, resumes: 0, resumeIds: [], deletes: 0, conversationGets: 0, guestTokens: 0, unauthorized: 0 });

/**
 * Starts the real app on a free loopback port, wrapped in an outer app whose middleware counts
 * requests and can inject failures; these hooks exist only here, never in the production app.
 */
export async function startHookedApi(env: Record<string, string>): Promise<HookedApi> {
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    // Pieces go out as chunks one to one, so tests can count on chunk numbers.
    CHUNK_FLUSH_MS: '0',
    RATE_LIMIT_PER_MINUTE: '100000',
    LOGIN_RATE_LIMIT_PER_MINUTE: '100000',
    GUEST_RATE_LIMIT_PER_MINUTE: '100000',
    GUEST_IDENTITIES_PER_IP_PER_HOUR: '100000',
    PORT: '0',
    HOST: '127.0.0.1',
    ...conversationsFor(env),
    ...env,
  });
  const openStreams = new Set<ServerResponse>();
  const openSockets = new Set<WebSocket>();
  const rejected = new Set<string>();
  let failure: InjectedFailure | undefined;
  let rewind = 0;
  let stats = emptyStats();

  const hooks: RequestHandler = (req, res, next) => {
    const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    res.on('finish', () => {
      if (res.statusCode === 401) stats.unauthorized += 1;
    });
    if (req.path === '/auth/guest' && req.method === 'POST') stats.guestTokens += 1;
    if (req.path.startsWith('/conversations/') && req.method === 'GET') stats.conversationGets += 1;
    if (req.path.startsWith('/stream/chat/') && req.method === 'DELETE') stats.deletes += 1;
    const isStream = req.path === '/stream/chat' && req.method === 'POST';
    if (isStream) {
      const lastEventId = req.get('last-event-id');
      if (lastEventId === undefined) stats.sends += 1;
      else {
        stats.resumes += 1;
        stats.resumeIds.push(lastEventId);
        const match = /^(.*):(\d+)$/.exec(lastEventId);
        if (rewind > 0 && match) req.headers['last-event-id'] = `${match[1]}:${Math.max(0, Number(match[2]) - rewind)}`;
      }
    }
    if (req.method !== 'OPTIONS' && bearer && rejected.has(bearer)) {
      // The allow-listed origin still gets CORS headers, as the real API's 401 does.
      if (req.headers.origin) res.set('Access-Control-Allow-Origin', req.headers.origin);
      res.status(401).json({ error: { code: 'invalid_token', message: 'Rejected by the test.' } });
      return;
    }
    if (isStream && failure && failure.count > 0) {
      failure.count -= 1;
      if (req.headers.origin) res.set({ 'Access-Control-Allow-Origin': req.headers.origin, 'Access-Control-Expose-Headers': 'Retry-After' });
      if (failure.retryAfterS !== undefined) res.set('Retry-After', String(failure.retryAfterS));
      res.status(failure.status).json({ error: { code: failure.code, message: 'Injected by the test.' } });
      return;
    }
    if (isStream) {
      openStreams.add(res);
      res.on('close', () => openStreams.delete(res));
    }
    next();
  };

  const api = await startApi(config, {
    overrides: { agent: new WidgetTestAgent() },
    handler: (app) => express().use(hooks).use(app),
  });
  const { url, services, webSocket } = api;
  webSocket.on('connection', (ws: WebSocket) => {
    openSockets.add(ws);
    ws.on('close', () => openSockets.delete(ws));
    ws.on('message', (data) => {
      let message: { type?: string; last_event_id?: string } = {};
      try {
        message = JSON.parse(data.toString());
      } catch {
        // Not JSON: the API answers invalid_json; there is nothing to count.
      }
      if (message.type === 'chat') stats.sends += 1;
      if (message.type === 'resume') {
        stats.resumes += 1;
        stats.resumeIds.push(message.last_event_id ?? '');
      }
    });
  });

  return {
    url,
    services,
    get stats() {
      return stats;
    },
    cutStreams() {
      const count = openStreams.size + openSockets.size;
      for (const res of openStreams) res.socket?.destroy();
      for (const ws of openSockets) ws.terminate();
      openStreams.clear();
      openSockets.clear();
      return count;
    },
    openStreams() {
      return openStreams.size + openSockets.size;
    },
    rewindResumes(events) {
      rewind = events;
    },
    failNext(next) {
      failure = { ...next };
    },
    rejectToken(token) {
      rejected.add(token);
    },
    resetStats() {
      stats = emptyStats();
      failure = undefined;
      rewind = 0;
    },
    close: () => api.close(),
  };
}
