import { createParser, type EventSourceMessage } from 'eventsource-parser';

/** One parsed SSE event, as a spec-compliant client sees it. */
export type SseMessage = EventSourceMessage;

/**
 * Reads an SSE response body with `eventsource-parser` (the WHATWG algorithm) and yields each
 * event as it is dispatched.
 */
export async function* sseEvents(body: ReadableStream<Uint8Array>): AsyncIterable<SseMessage> {
  const queue: SseMessage[] = [];
  const parser = createParser({ onEvent: (event) => queue.push(event) });
  const decoder = new TextDecoder();
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parser.feed(decoder.decode(value, { stream: true }));
      while (queue.length > 0) yield queue.shift() as SseMessage;
    }
    parser.feed(decoder.decode());
    while (queue.length > 0) yield queue.shift() as SseMessage;
  } finally {
    reader.releaseLock();
  }
}

/** Reads a whole SSE response into a list of events. */
export async function readAllEvents(res: Response): Promise<SseMessage[]> {
  if (!res.body) throw new Error('response has no body');
  const events: SseMessage[] = [];
  for await (const event of sseEvents(res.body)) events.push(event);
  return events;
}

/** Joins the `content` of the chunk events: the reply's text. */
export function replyText(events: SseMessage[]): string {
  return events
    .filter((event) => event.event === 'chunk')
    .map((event) => JSON.parse(event.data) as { type?: string; content: string })
    // Steps (tool calls and results, reasoning, sources) are not the reply's text.
    .filter((chunk) => chunk.type === undefined || chunk.type === 'content')
    .map((chunk) => chunk.content)
    .join('');
}

/** POSTs a chat message (or a resume, with `lastEventId`) and returns the raw response. */
export function postChat(
  url: string,
  token: string,
  body: Record<string, unknown> | string,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
): Promise<Response> {
  return fetch(`${url}/stream/chat`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream', Authorization: `Bearer ${token}`, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal,
  });
}

/** Reads events until `count` have arrived, then drops the connection by aborting `controller`. */
export async function readThenDrop(res: Response, count: number, controller: AbortController): Promise<SseMessage[]> {
  const events: SseMessage[] = [];
  try {
    for await (const event of sseEvents(res.body!)) {
      events.push(event);
      if (events.length === count) controller.abort();
    }
  } catch (err) {
    if (!controller.signal.aborted) throw err;
  }
  return events;
}
