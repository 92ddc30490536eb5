import { Agent } from 'node:http';
import { runLoad, type LoadResult } from './load/load-runner.js';
import { openStream, type StreamSample, type StreamTarget } from './load/sse-stream.js';
import { openWsStream } from './load/ws-stream.js';
import { listenOverflows, type ServerProcess } from './server-process.js';
import { round, summarize, type Summary } from './stats.js';

/** How big each workload is: the full matrix, or `--quick`. */
export interface Scale {
  shortDurationMs: number;
  shortConcurrency: number;
  pacedStreams: number;
  pacedChunks: number;
  pacedIntervalMs: number;
  /** The paced streams start at a steady rate over this long (ms), not in one burst. */
  pacedRampMs: number;
  /** The re-opening variant: users arrive over this long (ms)… */
  reopenRampMs: number;
  /** …and each opens a new reply as soon as one ends, until this long has passed (ms). */
  reopenDurationMs: number;
  /** Short streams run on a freshly started server before its idle RSS is read. */
  warmupStreams: number;
  heldSteps: number[];
  heldMs: number;
  compressionHeld: number;
  resumeCount: number;
}

export const FULL: Scale = {
  shortDurationMs: 10_000,
  shortConcurrency: 50,
  pacedStreams: 1000,
  pacedChunks: 100,
  pacedIntervalMs: 50,
  pacedRampMs: 1000,
  reopenRampMs: 2000,
  reopenDurationMs: 12_000,
  warmupStreams: 500,
  heldSteps: [1000, 2500, 5000, 7500, 10_000],
  heldMs: 2000,
  compressionHeld: 2500,
  resumeCount: 500,
};

export const QUICK: Scale = {
  shortDurationMs: 1500,
  shortConcurrency: 10,
  pacedStreams: 20,
  pacedChunks: 10,
  pacedIntervalMs: 50,
  pacedRampMs: 100,
  reopenRampMs: 200,
  reopenDurationMs: 1500,
  warmupStreams: 20,
  heldSteps: [50, 100],
  heldMs: 500,
  compressionHeld: 50,
  resumeCount: 20,
};

/** A browser's Accept-Encoding (the API picks gzip from it; see README, Compression). */
export const BROWSER_ENCODING = 'gzip, deflate, br, zstd';

/** Where and how to send the streams. */
export interface Target {
  server: Pick<ServerProcess, 'url'> & Partial<Pick<ServerProcess, 'rss' | 'cpuSeconds'>>;
  /** Replaces `server` with a freshly started one (matrix runs only), so a memory figure starts clean. */
  restart?: () => Promise<void>;
  token: string | undefined;
  /** Use the WebSocket transport instead of SSE. */
  ws?: boolean;
}

/** Opens one stream with the target's transport. */
function open(target: Target, stream: StreamTarget): Promise<StreamSample> {
  return target.ws ? openWsStream(stream) : openStream(stream);
}

function streamTarget(target: Target, agent: Agent, chunks: number, intervalMs: number, acceptEncoding: string, parse = true): StreamTarget {
  return { url: target.server.url, token: target.token, agent, acceptEncoding, parse, body: { message: 'bench', metadata: { chunks, interval_ms: intervalMs } } };
}

function errorsOf(samples: StreamSample[]): { errors: number; firstError?: string } {
  const failed = samples.filter((sample) => !sample.ok);
  return { errors: failed.length, firstError: failed[0]?.error ?? (failed[0] ? `status ${failed[0].status}` : undefined) };
}

/**
 * Runs a load and measures the server's CPU time over it, per stream and per event received, in
 * µs: steadier than latency percentiles near saturation, and what decides where a server saturates.
 */
async function withServerCpu(target: Target, run: () => Promise<LoadResult>) {
  const before = target.server.cpuSeconds?.() ?? NaN;
  const result = await run();
  const used = ((target.server.cpuSeconds?.() ?? NaN) - before) * 1e6;
  // Every sample's chunks, plus its `start` and `end`.
  const events = result.samples.reduce((sum, sample) => sum + sample.chunks + 2, 0);
  return { result, serverCpuUsPerStream: round(used / result.samples.length, 1), serverCpuUsPerEvent: round(used / events, 1) };
}

/** (a) Short replies, 10 unpaced chunks, as many as `shortConcurrency` clients can get. */
export async function shortReplies(target: Target, scale: Scale, label: string) {
  const agent = new Agent({ keepAlive: true, maxSockets: scale.shortConcurrency });
  const { result, serverCpuUsPerStream } = await withServerCpu(target, () =>
    runLoad({ label, concurrency: scale.shortConcurrency, durationMs: scale.shortDurationMs, open: () => open(target, streamTarget(target, agent, 10, 0, 'identity')) }),
  );
  agent.destroy();
  const ok = result.samples.filter((sample) => sample.ok);
  return {
    streamsPerSecond: round((ok.length / result.elapsedMs) * 1000, 0),
    serverCpuUsPerStream,
    ttfbMs: summarize(ok.map((sample) => sample.ttfbMs)),
    totalMs: summarize(ok.map((sample) => sample.totalMs)),
    ...errorsOf(result.samples),
    generatorCpu: round(result.generatorCpu),
  };
}

/**
 * (b) Many concurrent paced replies: time to first byte and the latency added to each gap. The
 * streams start at a steady rate over `pacedRampMs` (each lasts 100 × 50 ms, so all are open
 * together after the ramp): a thousand connects in the same millisecond would time the load
 * generator's own burst, not the server. With `reopen`, the users arrive over `reopenRampMs` and
 * each opens its next reply as soon as one ends, for `reopenDurationMs`: arrivals and departures
 * overlap, as on a busy site.
 */
export async function pacedReplies(target: Target, scale: Scale, acceptEncoding: string, label: string, reopen = false) {
  const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
  const arrivals = reopen ? { rampMs: scale.reopenRampMs, durationMs: scale.reopenDurationMs } : { rampMs: scale.pacedRampMs, count: scale.pacedStreams };
  const { result, serverCpuUsPerEvent } = await withServerCpu(target, () =>
    runLoad({
      label,
      concurrency: scale.pacedStreams,
      ...arrivals,
      open: () => open(target, streamTarget(target, agent, scale.pacedChunks, scale.pacedIntervalMs, acceptEncoding)),
    }),
  );
  agent.destroy();
  const ok = result.samples.filter((sample) => sample.ok);
  return {
    streams: scale.pacedStreams,
    /** Replies started, and finished with all their events, over the workload. */
    started: result.samples.length,
    finished: ok.length,
    serverCpuUsPerEvent,
    encoding: ok[0]?.encoding ?? 'none',
    ttfbMs: summarize(ok.map((sample) => sample.ttfbMs)),
    firstChunkMs: summarize(ok.map((sample) => sample.firstChunkMs)),
    addedGapMs: summarize(ok.flatMap((sample) => sample.gapsMs.map((gap) => Math.max(0, gap - scale.pacedIntervalMs)))),
    ...errorsOf(result.samples),
    generatorCpu: round(result.generatorCpu),
  };
}

/**
 * Restarts the server when the target can, warms it up with a few hundred short streams (so JIT
 * code and pools are not counted per stream), and returns its resident memory then. Memory freed
 * by an earlier workload stays with the process, so a delta taken later could even be negative.
 */
async function freshIdleRss(target: Target, scale: Scale): Promise<number> {
  await target.restart?.();
  await warmUp(target, scale);
  await new Promise((resolve) => setTimeout(resolve, 500));
  return target.server.rss?.() ?? NaN;
}

/** Runs a few hundred short streams through the server, so that what is measured next runs optimized code. */
export async function warmUp(target: Target, scale: Scale): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: 20 });
  await runLoad({ label: 'warm-up', concurrency: 20, count: scale.warmupStreams, open: () => open(target, streamTarget(target, agent, 10, 0, 'identity')) });
  agent.destroy();
}

/**
 * One step of (c): `count` streams at 10 events/s held open together. RSS per stream is the
 * resident memory while they are held, less `idleRss`, over `count`.
 */
async function holdStreams(target: Target, count: number, heldMs: number, acceptEncoding: string, idleRss: number) {
  const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
  const overflowsBefore = listenOverflows();
  let responded = 0;
  const rampMs = Math.max(500, count / 2); // ~2,000 new connections a second
  // Each stream outlasts the ramp and the hold by half a second, so all are still open when RSS is read.
  const chunks = Math.ceil((rampMs + heldMs) / 100) + 5;
  const samples: Promise<StreamSample>[] = [];
  for (let i = 0; i < count; i += 1) {
    if (i % 100 === 0) await new Promise((resolve) => setTimeout(resolve, (100 / count) * rampMs));
    samples.push(open(target, { ...streamTarget(target, agent, chunks, 100, acceptEncoding, false), onResponse: () => (responded += 1) }));
  }
  const overflowed = () => listenOverflows() > overflowsBefore;
  const deadline = Date.now() + 30_000;
  while (responded < count && Date.now() < deadline && !overflowed()) await new Promise((resolve) => setTimeout(resolve, 50));
  const abandoned = overflowed();
  if (!abandoned) await new Promise((resolve) => setTimeout(resolve, heldMs / 2));
  const rssHeld = target.server.rss?.() ?? NaN;
  const outcome = abandoned ? await abandonStep(samples, agent) : errorsOf(await Promise.all(samples));
  agent.destroy();
  return {
    streams: count,
    rssPerStreamKiB: round((rssHeld - idleRss) / count / 1024, 1),
    rssMiB: round(rssHeld / 1024 / 1024, 1),
    listenOverflows: listenOverflows() - overflowsBefore,
    ...outcome,
  };
}

/**
 * Ends a step that connections overflowed the accept queue: it is not clean whatever follows, and
 * waiting for its stragglers (SYNs the kernel retries for half a minute) only lengthens the
 * matrix. The errors counted are those of streams that had ended by then, not of the ones closed here.
 */
async function abandonStep(samples: Promise<StreamSample>[], agent: Agent): Promise<ReturnType<typeof errorsOf>> {
  const ended: StreamSample[] = [];
  for (const sample of samples) void sample.then((done) => ended.push(done));
  await new Promise((resolve) => setImmediate(resolve));
  const errors = errorsOf([...ended]);
  agent.destroy();
  await Promise.all(samples);
  return errors;
}

/** A step of (c) is clean with no stream errors and no connection dropped from a full accept queue. */
export function isClean(step: { errors: number; listenOverflows: number }): boolean {
  return step.errors === 0 && !(step.listenOverflows > 0);
}

/**
 * (c) Steps up the number of held paced streams until a step is not clean, on a freshly started
 * server: each step's RSS per stream is counted from that server's idle RSS, so it includes what
 * earlier, smaller steps left behind (an upper bound).
 */
export async function heldStreams(target: Target, scale: Scale, acceptEncoding: string, label: string) {
  const idleRss = await freshIdleRss(target, scale);
  const steps = [];
  for (const count of scale.heldSteps) {
    process.stderr.write(`  ${label}: holding ${count} streams…\n`);
    const step = await holdStreams(target, count, scale.heldMs, acceptEncoding, idleRss);
    steps.push(step);
    if (!isClean(step)) break;
  }
  return { maxCleanStreams: steps.filter(isClean).at(-1)?.streams ?? 0, steps };
}

/**
 * Chunks this far apart reach the server's writer one at a time, so each event is compressed and
 * flushed alone, as a model's tokens are; unpaced, a reply's events go out in a few bursts that
 * compress better together (gzip 0.07× against 0.15× of identity).
 */
const COMPRESSION_CHUNK_INTERVAL_MS = 2;

/** (d) Wire bytes per chunk for one encoding (100-chunk replies), and RSS per held stream with it. */
export async function compressionCost(target: Target, scale: Scale, acceptEncoding: string, label: string) {
  const agent = new Agent({ keepAlive: true, maxSockets: 20 });
  const reply = () => open(target, streamTarget(target, agent, 100, COMPRESSION_CHUNK_INTERVAL_MS, acceptEncoding));
  const result = await runLoad({ label, concurrency: 20, count: 100, open: reply });
  agent.destroy();
  const ok = result.samples.filter((sample) => sample.ok);
  const chunks = ok.reduce((sum, sample) => sum + sample.chunks, 0);
  const held = await holdStreams(target, scale.compressionHeld, scale.heldMs, acceptEncoding, await freshIdleRss(target, scale));
  return {
    encoding: ok[0]?.encoding ?? 'none',
    wireBytesPerChunk: round(ok.reduce((sum, sample) => sum + sample.wireBytes, 0) / chunks, 1),
    textBytesPerChunk: round(ok.reduce((sum, sample) => sum + sample.textBytes, 0) / chunks, 1),
    held,
    ...errorsOf(result.samples),
  };
}

/**
 * (e) Resume: from a reconnect with Last-Event-ID to the first replayed event. `across` starts
 * each stream on one instance and resumes it on another.
 */
export async function resumeLatency(
  target: Target,
  scale: Scale,
  label: string,
  across?: { startUrl: string; resumeUrl: string },
): Promise<{ firstReplayedMs: Summary; errors: number; firstError?: string }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 10 });
  const stream = streamTarget(target, agent, 20, 0, 'identity');
  const result = await runLoad({
    label,
    concurrency: 10,
    count: scale.resumeCount,
    open: async () => {
      const original = await openStream({ ...stream, url: across?.startUrl ?? stream.url });
      if (!original.ok || !original.firstId) return original;
      return openStream({ ...stream, url: across?.resumeUrl ?? stream.url, lastEventId: original.firstId });
    },
  });
  agent.destroy();
  const ok = result.samples.filter((sample) => sample.ok);
  return { firstReplayedMs: summarize(ok.map((sample) => sample.firstEventMs)), ...errorsOf(result.samples) };
}
