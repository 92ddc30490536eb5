import { apiEndpoint, fetchJson } from './api-client.js';

/** What the API tells every page about itself (`GET /widget/config`, public). */
export interface WidgetConfig {
  /** The longest message the API accepts, in characters (code points). */
  maxMessageLength?: number;
}

interface WidgetConfigBody {
  max_message_length?: unknown;
}

/** One request per API for the page's lifetime: every element on the page shares it. */
const loaded = new Map<string, Promise<WidgetConfig>>();

/** The API's public settings; empty when they cannot be read (an older API, the network down). */
export function loadWidgetConfig(apiUrl: string): Promise<WidgetConfig> {
  let config = loaded.get(apiUrl);
  if (!config) {
    config = fetchJson<WidgetConfigBody>(apiEndpoint(apiUrl, '/widget/config'), {}).then(
      (body) => (typeof body.max_message_length === 'number' ? { maxMessageLength: body.max_message_length } : {}),
      () => {
        // Not known: the API's own 413 still guards the limit. Ask again on the next element.
        loaded.delete(apiUrl);
        return {};
      },
    );
    loaded.set(apiUrl, config);
  }
  return config;
}
