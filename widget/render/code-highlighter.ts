import { apiEndpoint } from '../api/api-client.js';

/** The highlighter chunk, served beside the widget by the API. */
export const HIGHLIGHT_CHUNK_PATH = '/widget/ngx-chat-highlight.js';

type HighlightCode = (code: HTMLElement, language: string) => boolean;

/** One import per API for the page's lifetime, started by the first code block that needs it. */
const loaded = new Map<string, Promise<HighlightCode | undefined>>();

/**
 * Highlights a finished code block once the highlighter chunk has loaded from the API; until then,
 * or when it cannot load, the code stays plain — never wrong, just uncoloured.
 */
export function highlightLater(apiUrl: string, code: HTMLElement, language: string): void {
  if (!apiUrl) return;
  let loader = loaded.get(apiUrl);
  if (!loader) {
    loader = import(/* @vite-ignore */ apiEndpoint(apiUrl, HIGHLIGHT_CHUNK_PATH)).then(
      (chunk: { highlightCode: HighlightCode }) => chunk.highlightCode,
      () => {
        // The next code block asks again (the API was restarting, say).
        loaded.delete(apiUrl);
        return undefined;
      },
    );
    loaded.set(apiUrl, loader);
  }
  void loader.then((highlight) => highlight?.(code, language));
}
