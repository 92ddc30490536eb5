import { VARIABLES, type VariableValues } from './variables.js';

/** A setting's value: as its environment variable would spell it, or as a number, a flag or a list. */
export type ChatApiSetting = string | number | boolean | readonly string[];

/**
 * The settings of `createChatApi`: one per environment variable of the standalone API, named
 * in camelCase (`JWT_SECRET` → `jwtSecret`, `REDIS_URL` → `redisUrl`, `ALLOWED_ORIGINS` →
 * `allowedOrigins`), validated the same way and with the same defaults (README, Configuration).
 */
export type ChatApiSettings = { [K in keyof VariableValues]?: ChatApiSetting };

/**
 * The settings as the environment variables they mirror, for the one validation both share. Only
 * `NODE_ENV` comes from the host process: its unsafe defaults are refused in production there as
 * in the standalone API.
 */
export function settingsAsEnv(settings: ChatApiSettings, hostEnv: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = hostEnv.NODE_ENV ? { NODE_ENV: hostEnv.NODE_ENV } : {};
  for (const [key, value] of Object.entries(settings) as Array<[keyof VariableValues, ChatApiSetting | undefined]>) {
    const variable = VARIABLES[key];
    if (!variable) throw new TypeError(`createChatApi() has no setting "${key}"; see the README's Configuration table for the names.`);
    if (value === undefined) continue;
    env[variable.name] = Array.isArray(value) ? value.join(',') : typeof value === 'boolean' ? (value ? 'on' : 'off') : String(value);
  }
  return env;
}
