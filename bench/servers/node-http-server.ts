import { createServer } from 'node:http';
import { listenForBench } from './listen.js';
import { benchPiece, readWorkload } from './workload.js';

/**
 * Baseline: a bare `node:http` SSE server, no auth, no framework — the physical limit of this
 * machine for the event format the API writes.
 */
const server = createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (data: string) => (body += data));
  req.on('end', () => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      res.writeHead(400).end();
      return;
    }
    const workload = readWorkload(parsed);
    const id = Math.random().toString(36).slice(2);
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache' });
    res.write(`retry: 1000\n\nevent: start\ndata: {"conversation_id":"${id}","status":"processing"}\nid: ${id}:1\n\n`);
    let index = 0;
    const send = () => {
      const last = index === workload.chunks;
      if (last) {
        res.end(`event: end\ndata: {"conversation_id":"${id}","status":"completed","message_count":1}\nid: ${id}:${index + 2}\n\n`);
        return;
      }
      res.write(`event: chunk\ndata: {"type":"content","content":"${benchPiece(index)}","chunk_index":${index},"is_final":false}\nid: ${id}:${index + 2}\n\n`);
      index += 1;
      if (workload.intervalMs > 0) timer = setTimeout(send, workload.intervalMs);
      else setImmediate(send);
    };
    let timer: NodeJS.Timeout | undefined;
    res.on('close', () => clearTimeout(timer));
    send();
  });
});

listenForBench(server);
