import { loadChunk } from '../api/chunk-loader.js';

/** The highlighter chunk, served beside the widget by the API. */
export const HIGHLIGHT_CHUNK_PATH = '/widget/ngx-chat-highlight.js';

type HighlightCode = (code: HTMLElement, language: string) => boolean;

/**
 * Highlights a finished code block once the highlighter chunk has loaded from the API; until then,
 * or when it cannot load, the code stays plain — never wrong, just uncoloured.
 */
export function highlightLater(apiUrl: string, code: HTMLElement, language: string): void {
  if (!apiUrl) return;
  void loadChunk<{ highlightCode: HighlightCode }>(apiUrl, HIGHLIGHT_CHUNK_PATH).then((chunk) => chunk?.highlightCode(code, language));
}
