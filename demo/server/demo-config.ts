/**
 * What `npm start` reads from the environment, and the environment it gives the API.
 */

import { fileURLToPath } from 'node:url';

type Env = Record<string, string | undefined>;

/** The `MCP_CONFIG` of the demo: the shop catalogue's MCP server (demo/shop/), which the demo agent calls. */
export const DEMO_MCP_CONFIG = fileURLToPath(new URL('../shop/mcp-servers.json', import.meta.url));

/** The three ports of `npm start`, with the variable that sets each. */
export interface DemoPorts {
  /** The API (`PORT`). Defaults to 8000. */
  api: number;
  /** The site in `ALLOWED_ORIGINS` (`DEMO_PORT`). Defaults to 5173. */
  allowed: number;
  /** The site deliberately left out of it (`DEMO_REFUSED_PORT`). Defaults to 5174. */
  refused: number;
}

/** The variable that sets each port, for messages. */
export const PORT_VARIABLES: Record<keyof DemoPorts, string> = { api: 'PORT', allowed: 'DEMO_PORT', refused: 'DEMO_REFUSED_PORT' };

const DEFAULT_PORTS: DemoPorts = { api: 8000, allowed: 5173, refused: 5174 };

/** A bad port setting; the message names the variable and what it expects. */
export class DemoConfigError extends Error {
  override name = 'DemoConfigError';
}

/**
 * Reads `PORT`, `DEMO_PORT` and `DEMO_REFUSED_PORT`.
 * @throws DemoConfigError for a value that is not a port, or two servers on one port.
 */
export function readDemoPorts(env: Env = process.env): DemoPorts {
  const ports = { ...DEFAULT_PORTS };
  for (const key of Object.keys(PORT_VARIABLES) as (keyof DemoPorts)[]) {
    const name = PORT_VARIABLES[key];
    const raw = env[name]?.trim();
    if (!raw) continue;
    const port = Number(raw);
    if (!/^\d+$/.test(raw) || port < 1 || port > 65535) throw new DemoConfigError(`${name} must be a port from 1 to 65535, got "${raw}".`);
    ports[key] = port;
  }
  const { api, allowed, refused } = ports;
  if (new Set([api, allowed, refused]).size < 3) {
    throw new DemoConfigError(`PORT (${api}), DEMO_PORT (${allowed}) and DEMO_REFUSED_PORT (${refused}) must be three different ports.`);
  }
  return ports;
}

/**
 * The API's environment under `npm start`: the caller's (so `AGENT=openai npm start` works),
 * with `PORT`, and the allowed demo site's origin added to `ALLOWED_ORIGINS` — which replaces
 * the development default of every `http://localhost:*`, so the refused site really is refused;
 * and, unless the caller names other MCP servers, the demo shop's catalogue in `MCP_CONFIG`.
 */
export function demoApiEnv(apiPort: number, allowedOrigin: string, env: Env = process.env): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined) result[name] = value;
  const extra = env.ALLOWED_ORIGINS?.trim();
  result.PORT = String(apiPort);
  if (!env.MCP_CONFIG?.trim()) result.MCP_CONFIG = DEMO_MCP_CONFIG;
  result.ALLOWED_ORIGINS = extra ? `${allowedOrigin},${extra}` : allowedOrigin;
  return result;
}
