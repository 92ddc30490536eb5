import { createServer } from 'node:http';
import express from 'express';
import { sseCompression } from '../../server/transports/sse/sse-compression.js';
import { requireBenchToken } from './bench-auth.js';
import { listenForBench } from './listen.js';
import { benchPiece, readWorkload } from './workload.js';

/**
 * Baseline: a bare Express 5 SSE route with the same JWT check as the API (HS256, key object
 * built once, no cache), no store: what the framework and auth alone cost. With
 * `BENCH_COMPRESSION=sse` it compresses as the API does (its `sseCompression` middleware, same
 * negotiation and zlib settings), for the matrix's compressed baseline.
 */
const app = express();
if (process.env.BENCH_COMPRESSION === 'sse') app.use(sseCompression());
app.use(express.json());
app.post('/stream/chat', requireBenchToken, (req, res) => {
  const workload = readWorkload(req.body);
  const id = Math.random().toString(36).slice(2);
  res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache' });
  res.write(`retry: 1000\n\nevent: start\ndata: ${JSON.stringify({ conversation_id: id, status: 'processing' })}\nid: ${id}:1\n\n`);
  let index = 0;
  let timer: NodeJS.Timeout | undefined;
  const send = () => {
    if (index === workload.chunks) {
      res.end(`event: end\ndata: ${JSON.stringify({ conversation_id: id, status: 'completed', message_count: 1 })}\nid: ${id}:${index + 2}\n\n`);
      return;
    }
    res.write(`event: chunk\ndata: ${JSON.stringify({ type: 'content', content: benchPiece(index), chunk_index: index, is_final: false })}\nid: ${id}:${index + 2}\n\n`);
    index += 1;
    timer = workload.intervalMs > 0 ? setTimeout(send, workload.intervalMs) : undefined;
    if (!timer) setImmediate(send);
  };
  res.on('close', () => clearTimeout(timer));
  send();
});

listenForBench(createServer(app));
