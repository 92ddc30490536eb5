import { apiEndpoint } from './api-client.js';

/** One import per chunk URL for the page's lifetime. */
const loaded = new Map<string, Promise<unknown>>();

/**
 * The module at `path` of the API, a chunk the widget loads on demand (the highlighter, the
 * MathML inserter): imported once, by the first content that needs it. Undefined when it cannot
 * load; the next caller asks again (the API was restarting, say).
 */
export function loadChunk<T>(apiUrl: string, path: string): Promise<T | undefined> {
  const url = apiEndpoint(apiUrl, path);
  let loader = loaded.get(url);
  if (!loader) {
    loader = import(/* @vite-ignore */ url).catch(() => {
      loaded.delete(url);
      return undefined;
    });
    loaded.set(url, loader);
  }
  return loader as Promise<T | undefined>;
}
