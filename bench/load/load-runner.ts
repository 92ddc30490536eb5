import type { StreamSample } from './sse-stream.js';

/** Options for {@link runLoad}. */
export interface LoadOptions {
  /** Streams open at once. */
  concurrency: number;
  /** Stop starting new streams after this long (ms)… */
  durationMs?: number;
  /** …or after this many streams in all. */
  count?: number;
  /** Spread the first start of each of the `concurrency` workers over this long (ms): arrivals at a steady rate instead of one burst. */
  rampMs?: number;
  /** Label for the progress line. */
  label: string;
  open: () => Promise<StreamSample>;
}

/** Samples and how long it took. */
export interface LoadResult {
  samples: StreamSample[];
  elapsedMs: number;
  /** CPU the load generator itself used, as a share of one core. */
  generatorCpu: number;
}

/**
 * Keeps `concurrency` streams open until the duration or count is reached (their first starts
 * spread over `rampMs`), printing a progress line on stderr every second.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const samples: StreamSample[] = [];
  const began = performance.now();
  const cpuBefore = process.cpuUsage();
  let started = 0;
  const more = () =>
    (options.count === undefined || started < options.count) && (options.durationMs === undefined || performance.now() - began < options.durationMs);
  const progress = setInterval(() => {
    const seconds = (performance.now() - began) / 1000;
    const errors = samples.filter((sample) => !sample.ok).length;
    process.stderr.write(`\r  ${options.label}: ${samples.length} streams, ${Math.round(samples.length / seconds)}/s, ${errors} errors   `);
  }, 1000);
  const worker = async (index: number) => {
    const due = options.rampMs ? began + (index / options.concurrency) * options.rampMs : 0;
    if (due > performance.now()) await new Promise((resolve) => setTimeout(resolve, due - performance.now()));
    while (more()) {
      started += 1;
      samples.push(await options.open());
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, (_, index) => worker(index)));
  clearInterval(progress);
  process.stderr.write('\n');
  const elapsedMs = performance.now() - began;
  const cpu = process.cpuUsage(cpuBefore);
  return { samples, elapsedMs, generatorCpu: (cpu.user + cpu.system) / 1000 / elapsedMs };
}
