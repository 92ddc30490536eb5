import { createServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { createSession } from 'better-sse';
import express from 'express';
import { requireBenchToken } from './bench-auth.js';
import { listenForBench } from './listen.js';
import { benchPiece, readWorkload } from './workload.js';

/**
 * Baseline: better-sse sessions on Express, with the same JWT check as the Express baseline.
 * The session is closed by ending the response when the reply is done.
 */
const app = express();
app.use(express.json());
app.post('/stream/chat', requireBenchToken, async (req, res) => {
  const workload = readWorkload(req.body);
  const id = Math.random().toString(36).slice(2);
  const session = await createSession(req, res, { keepAlive: null, retry: 1000 });
  session.push({ conversation_id: id, status: 'processing' }, 'start', `${id}:1`);
  let closed = false;
  res.on('close', () => (closed = true));
  for (let index = 0; index < workload.chunks && !closed; index += 1) {
    if (workload.intervalMs > 0 && index > 0) await sleep(workload.intervalMs);
    session.push({ type: 'content', content: benchPiece(index), chunk_index: index, is_final: false }, 'chunk', `${id}:${index + 2}`);
  }
  session.push({ conversation_id: id, status: 'completed', message_count: 1 }, 'end', `${id}:${workload.chunks + 2}`);
  res.end();
});

listenForBench(createServer(app));
