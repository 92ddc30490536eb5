import type { Express } from 'express';
import { createApp } from './app.js';
import type { Authenticate } from './auth/require-auth.js';
import { loadConfig, type Config } from './config.js';
import { VARIABLES, type VariableValues } from './config/variables.js';
import { createServices, type Services } from './services.js';

export type { Authenticate, SessionUser } from './auth/require-auth.js';
export { ConfigError } from './config.js';

/** A setting's value: as its environment variable would spell it, or as a number, a flag or a list. */
export type ChatApiSetting = string | number | boolean | readonly string[];

/**
 * The settings of {@link createChatApi}: one per environment variable of the standalone API, named
 * in camelCase (`JWT_SECRET` → `jwtSecret`, `REDIS_URL` → `redisUrl`, `ALLOWED_ORIGINS` →
 * `allowedOrigins`), validated the same way and with the same defaults (README, Configuration).
 */
export type ChatApiSettings = { [K in keyof VariableValues]?: ChatApiSetting };

/** Options of {@link createChatApi}. */
export interface ChatApiOptions extends ChatApiSettings {
  /**
   * The host app's own sign-in: the user of a request's session, or undefined. Asked before the
   * bearer token on every request; it also enables `POST /auth/session`, which turns the session
   * into a token for the widget (`token-url="/chat/auth/session"`). Without it, requests need our
   * JWTs (`jwtSecret` or `jwtPublicKey`), as the standalone API does.
   */
  authenticate?: Authenticate;
}

/** The chat API as a part of a host app. */
export interface ChatApi {
  /**
   * Mount it where the widget's `api-url` points: `app.use('/chat', chat.router)`. It serves the
   * API (SSE streams, conversations, auth, health), and the widget's script and chunks at
   * `/widget/`.
   */
  router: Express;
  /** The validated configuration. */
  config: Config;
  /** Ends running replies (their readers get an `error` event) and closes the stores. */
  close(): Promise<void>;
}

/**
 * The ngx-chat API as an Express router to mount in an existing app, behind the app's own
 * sessions when given `authenticate`. The WebSocket transport and `/metrics` on a port of their
 * own are the standalone server's (`npm start`); a router has neither.
 * @throws ConfigError naming the setting to fix.
 */
export async function createChatApi(options: ChatApiOptions = {}): Promise<ChatApi> {
  const { authenticate, ...settings } = options;
  const config = loadConfig(settingsAsEnv(settings));
  const services: Services = await createServices(config, { authenticate });
  return { router: createApp(services), config, close: () => services.close() };
}

/** The settings as the environment variables they mirror, for the one validation both share. */
function settingsAsEnv(settings: ChatApiSettings): Record<string, string> {
  // Production is the host process's: its unsafe defaults are refused there as in the standalone API.
  const env: Record<string, string> = process.env.NODE_ENV ? { NODE_ENV: process.env.NODE_ENV } : {};
  for (const [key, value] of Object.entries(settings) as Array<[keyof VariableValues, ChatApiSetting | undefined]>) {
    const variable = VARIABLES[key];
    if (!variable) throw new TypeError(`createChatApi() has no setting "${key}"; see the README's Configuration table for the names.`);
    if (value === undefined) continue;
    env[variable.name] = Array.isArray(value) ? value.join(',') : typeof value === 'boolean' ? (value ? 'on' : 'off') : String(value);
  }
  return env;
}
