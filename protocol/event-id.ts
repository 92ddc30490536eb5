import { MAX_EVENT_ID_LENGTH } from './stream-events.js';

/** Where an event stands: the stream it belongs to and its position (1, 2, 3, …; 0 is before the first) in it. */
export interface EventPosition {
  streamId: string;
  seq: number;
}

const STREAM_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const EVENT_ID = /^([0-9a-f-]{36}):(\d{1,15})$/;

/** True when `value` has the form of a stream id (a lowercase UUID). */
export function isStreamId(value: string): boolean {
  return STREAM_ID.test(value);
}

/**
 * The `id:` of an event: `<stream uuid>:<seq>`. It alone is enough to resume, from any instance.
 */
export function formatEventId(position: EventPosition): string {
  return `${position.streamId}:${position.seq}`;
}

/** Reads an id written by {@link formatEventId}; undefined when it is not one. */
export function parseEventId(id: string): EventPosition | undefined {
  if (id.length > MAX_EVENT_ID_LENGTH) return undefined;
  const match = EVENT_ID.exec(id.trim());
  if (!match || !isStreamId(match[1])) return undefined;
  const seq = Number(match[2]);
  return Number.isSafeInteger(seq) && seq >= 0 ? { streamId: match[1], seq } : undefined;
}
