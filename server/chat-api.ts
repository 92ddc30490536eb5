import type { Express } from 'express';
import { createApp } from './app.js';
import type { Authenticate } from './auth/require-auth.js';
import { loadConfig, type Config } from './config.js';
import { settingsAsEnv, type ChatApiSettings } from './config/settings-as-env.js';
import { createServices, type Services } from './services.js';

export type { Authenticate, SessionUser } from './auth/require-auth.js';
export { ConfigError } from './config.js';

export type { ChatApiSetting, ChatApiSettings } from './config/settings-as-env.js';

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
