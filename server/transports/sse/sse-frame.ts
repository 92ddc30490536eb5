/**
 * Formats one SSE event as it goes on the wire. `data` may hold any text: each line
 * (split on CRLF, CR or LF, as the spec's parser splits) becomes its own `data:` field, so the
 * parser's joining of `data` lines with LF gives back JSON that decodes to the same string.
 * The `id:` field comes last so that a client never records an id for an event it has not
 * fully received.
 */
export function formatSseEvent(event: string, data: string, id: string): string {
  assertFieldValue('event', event);
  assertFieldValue('id', id);
  // JSON has no raw line breaks: nearly every event is one `data:` line, built without an array.
  if (!data.includes('\n') && !data.includes('\r')) return `event: ${event}\ndata: ${data}\nid: ${id}\n\n`;
  const dataLines = data.split(/\r\n|\r|\n/);
  return `event: ${event}\n${dataLines.map((line) => `data: ${line}\n`).join('')}id: ${id}\n\n`;
}

/** The comment line sent after a silence, so that proxies and clients know the stream is alive. */
export const SSE_HEARTBEAT = ':\n\n';

/** The `retry:` field that opens every stream: how long a client waits before reconnecting, in ms. */
export function formatRetry(ms: number): string {
  return `retry: ${Math.round(ms)}\n\n`;
}

function assertFieldValue(field: string, value: string): void {
  // A CR or LF would end the field early and let the rest be read as another field; NUL in an
  // id makes the spec's parser ignore it.
  if (/[\r\n\0]/.test(value)) throw new Error(`SSE ${field} must not contain CR, LF or NUL: ${JSON.stringify(value)}`);
}
