import { WebSocket } from 'ws';
import type { StreamSample, StreamTarget } from './sse-stream.js';

const now = () => performance.now();

/**
 * One stream over the WebSocket transport (`/ws/chat`): connect, authenticate, send the chat
 * message, read events to the terminal one, close. Times are from the moment the socket is asked
 * for, as the SSE client measures from the request; `ttfbMs` is the first server message.
 */
export function openWsStream(target: StreamTarget): Promise<StreamSample> {
  return new Promise((resolve) => {
    const began = now();
    const sample: StreamSample = {
      ok: false, status: 0, ttfbMs: NaN, startMs: NaN, firstChunkMs: NaN, firstEventMs: NaN, gapsMs: [], totalMs: NaN,
      wireBytes: 0, textBytes: 0, chunks: 0, encoding: 'ws',
    };
    const ws = new WebSocket(`${target.url.replace(/^http/, 'ws')}/ws/chat`, { perMessageDeflate: false });
    let settled = false;
    let lastChunkAt = NaN;
    const settle = (error?: string) => {
      if (settled) return;
      settled = true;
      sample.totalMs = now() - began;
      sample.error = error;
      sample.ok = !error;
      ws.terminate();
      resolve(sample);
    };
    ws.on('error', (err) => settle(err.message));
    ws.on('close', () => settle('closed before the end'));
    ws.on('open', () => ws.send(JSON.stringify({ type: 'auth', token: target.token })));
    ws.on('message', (data: Buffer) => {
      const at = now() - began;
      sample.wireBytes += data.length;
      sample.textBytes += data.length;
      if (Number.isNaN(sample.ttfbMs)) sample.ttfbMs = at;
      const message = JSON.parse(data.toString()) as { type?: string; event?: string; id?: string };
      if (message.type === 'ready') {
        sample.status = 200;
        target.onResponse?.();
        ws.send(JSON.stringify({ type: 'chat', ...target.body }));
        return;
      }
      if (message.type === 'error') return settle(`error message: ${data.toString()}`);
      if (!message.event) return;
      if (Number.isNaN(sample.firstEventMs)) {
        sample.firstEventMs = at;
        sample.firstId = message.id;
      }
      if (message.event === 'start') sample.startMs = at;
      else if (message.event === 'chunk') {
        if (sample.chunks === 0) sample.firstChunkMs = at;
        else sample.gapsMs.push(at - lastChunkAt);
        lastChunkAt = at;
        sample.chunks += 1;
      } else if (message.event === 'end') settle();
      else if (message.event === 'error') settle(`error event: ${data.toString()}`);
    });
  });
}
