/**
 * What compressing one SSE event costs through Node's zlib streams — the way `compression` does
 * it — against the deflate itself. 1,000 gzip streams with the API's settings (2 KiB window,
 * memLevel 3, a sync flush per write) are fed ~100-byte chunk frames at about 20,000 a second,
 * the browser-encoding workload's rate, then the same frames go through the same encoders
 * synchronously. Run it pinned to one core, as the benchmark pins its servers:
 *
 *   taskset -c 0 node --import tsx bench/probes/zlib-per-event.ts
 *
 * The synchronous pass calls the zlib handle's `writeSync`, an internal of Node's zlib classes
 * (what `zlib.gzipSync` runs on): fine for measuring, not for serving.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { constants, createGzip, type Gzip } from 'node:zlib';

const STREAMS = 1000;
const SECONDS = 5;
const EVENTS_PER_MS = 20;
const SETTINGS = { flush: constants.Z_SYNC_FLUSH, windowBits: 11, memLevel: 3 };

/** The next chunk frame of `stream`, numbered per stream as the API numbers events. */
function nextFrame(stream: number, seqs: Uint32Array): Buffer {
  const seq = seqs[stream]++;
  return Buffer.from(`event: chunk\ndata: {"type":"content","content":" word${seq % 10}","chunk_index":${seq},"is_final":false}\nid: s${stream}:${seq}\n\n`);
}

/** CPU seconds of each thread of this process (main thread first, then zlib's thread pool and V8's helpers). */
function threadCpuSeconds(): number[] {
  return readdirSync('/proc/self/task').map((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  });
}

/** Writes frames to the encoders as their streams do: each write a job for the thread pool. */
async function throughStreams(encoders: Gzip[]): Promise<{ events: number; bytes: number }> {
  let events = 0;
  let bytes = 0;
  for (const encoder of encoders) encoder.on('data', (chunk: Buffer) => (bytes += chunk.length));
  const seqs = new Uint32Array(STREAMS);
  const began = performance.now();
  let tick = 0;
  await new Promise<void>((done) => {
    const timer = setInterval(() => {
      for (let i = 0; i < EVENTS_PER_MS; i += 1) {
        const stream = (tick * EVENTS_PER_MS + i) % STREAMS;
        encoders[stream].write(nextFrame(stream, seqs));
        events += 1;
      }
      tick += 1;
      if (performance.now() - began > SECONDS * 1000) {
        clearInterval(timer);
        setTimeout(done, 200);
      }
    }, 1);
  });
  return { events, bytes };
}

/** The same deflate work with no job: each frame compressed and flushed on the calling thread. */
function synchronously(encoders: Gzip[], events: number): number {
  const out = Buffer.alloc(16 * 1024);
  const seqs = new Uint32Array(STREAMS);
  let bytes = 0;
  for (let event = 0; event < events; event += 1) {
    const stream = event % STREAMS;
    const input = nextFrame(stream, seqs);
    const encoder = encoders[stream] as unknown as { _handle: { writeSync(...args: unknown[]): void }; _writeState: Uint32Array };
    encoder._handle.writeSync(constants.Z_SYNC_FLUSH, input, 0, input.length, out, 0, out.length);
    bytes += out.length - encoder._writeState[0];
  }
  return bytes;
}

const usPerEvent = (seconds: number, events: number) => ((seconds * 1e6) / events).toFixed(1);

const before = threadCpuSeconds();
const cpu0 = process.cpuUsage();
const { events, bytes } = await throughStreams(Array.from({ length: STREAMS }, () => createGzip(SETTINGS)));
const cpu = process.cpuUsage(cpu0);
const after = threadCpuSeconds();
const mainSeconds = after[0] - before[0];
const otherSeconds = after.slice(1).reduce((sum, seconds, i) => sum + seconds - (before[i + 1] ?? 0), 0);
console.log(
  `zlib streams: ${events} events, ${usPerEvent((cpu.user + cpu.system) / 1e6, events)} µs of CPU per event ` +
    `(main thread ${usPerEvent(mainSeconds, events)}, other threads ${usPerEvent(otherSeconds, events)}), ${(bytes / events).toFixed(1)} bytes per event`,
);

const fresh = Array.from({ length: STREAMS }, () => createGzip(SETTINGS));
const cpu1 = process.cpuUsage();
const syncBytes = synchronously(fresh, events);
const syncCpu = process.cpuUsage(cpu1);
console.log(`deflate alone: ${usPerEvent((syncCpu.user + syncCpu.system) / 1e6, events)} µs of CPU per event, ${(syncBytes / events).toFixed(1)} bytes per event`);
process.exit(0);
