import { request, type Agent, type IncomingMessage } from 'node:http';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { createParser } from 'eventsource-parser';

/** One stream to open. */
export interface StreamTarget {
  url: string;
  token: string | undefined;
  body: object;
  acceptEncoding: string;
  agent: Agent;
  lastEventId?: string;
  /** Parse every event and time it (true), or only count bytes until the end (false: cheaper, for holding many streams). */
  parse: boolean;
  /** Called when the response headers arrive. */
  onResponse?: () => void;
}

/** What one stream measured; times in ms from the request being sent. */
export interface StreamSample {
  ok: boolean;
  error?: string;
  status: number;
  ttfbMs: number;
  startMs: number;
  firstChunkMs: number;
  /** Gaps between consecutive chunk events. */
  gapsMs: number[];
  /** Time from the request to the first event of any kind (the resume figure). */
  firstEventMs: number;
  totalMs: number;
  wireBytes: number;
  textBytes: number;
  chunks: number;
  encoding: string;
  /** The id of the first event received. */
  firstId?: string;
}

const now = () => performance.now();

/** Opens one SSE stream over `node:http`, decompressing it itself so wire bytes are counted honestly. */
export function openStream(target: StreamTarget): Promise<StreamSample> {
  return new Promise((resolve) => {
    const began = now();
    const sample: StreamSample = {
      ok: false, status: 0, ttfbMs: NaN, startMs: NaN, firstChunkMs: NaN, firstEventMs: NaN, gapsMs: [], totalMs: NaN,
      wireBytes: 0, textBytes: 0, chunks: 0, encoding: 'identity',
    };
    let settled = false;
    const settle = (error?: string) => {
      if (settled) return;
      settled = true;
      sample.totalMs = now() - began;
      sample.error = error;
      sample.ok = !error && sample.status === 200;
      resolve(sample);
    };
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      Accept: 'text/event-stream',
      'Accept-Encoding': target.acceptEncoding,
    };
    if (target.token) headers.Authorization = `Bearer ${target.token}`;
    if (target.lastEventId) headers['Last-Event-ID'] = target.lastEventId;
    const req = request(`${target.url}/stream/chat`, { method: 'POST', headers, agent: target.agent });
    req.on('error', (err) => settle(err.message));
    req.on('response', (res: IncomingMessage) => {
      sample.ttfbMs = now() - began;
      sample.status = res.statusCode ?? 0;
      sample.encoding = String(res.headers['content-encoding'] ?? 'identity');
      target.onResponse?.();
      res.on('data', (data: Buffer) => (sample.wireBytes += data.length));
      const decoder = sample.encoding === 'gzip' ? createGunzip() : sample.encoding === 'br' ? createBrotliDecompress() : sample.encoding === 'deflate' ? createInflate() : undefined;
      const text = decoder ? res.pipe(decoder) : res;
      let lastChunkAt = NaN;
      let ended = false;
      const parser = target.parse
        ? createParser({
            onEvent: (event) => {
              const at = now() - began;
              if (Number.isNaN(sample.firstEventMs)) {
                sample.firstEventMs = at;
                sample.firstId = event.id;
              }
              if (event.event === 'start') sample.startMs = at;
              else if (event.event === 'chunk') {
                if (sample.chunks === 0) sample.firstChunkMs = at;
                else sample.gapsMs.push(at - lastChunkAt);
                lastChunkAt = at;
                sample.chunks += 1;
              } else if (event.event === 'end') ended = true;
              else if (event.event === 'error') sample.error = `error event: ${event.data}`;
            },
          })
        : undefined;
      text.on('data', (data: Buffer) => {
        sample.textBytes += data.length;
        parser?.feed(data.toString('utf8'));
      });
      text.on('end', () => settle(sample.error ?? (parser && !ended && sample.status === 200 ? 'stream ended without an end event' : undefined)));
      text.on('error', (err: Error) => settle(err.message));
      res.on('aborted', () => settle('aborted'));
    });
    req.end(JSON.stringify(target.body));
  });
}
