import { STREAM_EVENT, type StreamEventName } from '../../../protocol/index.js';
import type { StoredEvent } from '../event-log.js';

/** What one look at a stream in Redis found (the reply of the `SNAPSHOT` script). */
export interface StreamSnapshot {
  exists: boolean;
  finished: boolean;
  /** The producer's heartbeat key is there. */
  alive: boolean;
  events: StoredEvent[];
}

function isStreamEventName(value: unknown): value is StreamEventName {
  return typeof value === 'string' && Object.values<string>(STREAM_EVENT).includes(value);
}

/** One stream entry, `[ "0-<seq>", ["event", name, "data", json] ]`, as a stored event. */
function parseEntry(entry: unknown): StoredEvent {
  if (Array.isArray(entry) && typeof entry[0] === 'string' && Array.isArray(entry[1])) {
    const seq = /^0-(\d+)$/.exec(entry[0]);
    const [eventField, event, dataField, data] = entry[1];
    if (seq && eventField === 'event' && isStreamEventName(event) && dataField === 'data' && typeof data === 'string') {
      return { seq: Number(seq[1]), event, data };
    }
  }
  throw new Error(`The event log holds an entry this API did not write: ${JSON.stringify(entry)}.`);
}

/** The entries of an `XRANGE` reply. */
export function parseEntries(reply: unknown): StoredEvent[] {
  if (!Array.isArray(reply)) throw new Error(`Expected a list of stream entries from Redis, got ${JSON.stringify(reply)}.`);
  return reply.map(parseEntry);
}

/** The reply of the `SNAPSHOT` script. */
export function parseSnapshot(reply: unknown): StreamSnapshot {
  if (!Array.isArray(reply) || reply.length !== 4) throw new Error(`Unexpected snapshot reply from Redis: ${JSON.stringify(reply)}.`);
  const [exists, finished, alive, entries] = reply;
  return { exists: exists === 1, finished: finished === 1, alive: alive === 1, events: parseEntries(entries) };
}
