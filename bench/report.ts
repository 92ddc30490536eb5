import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import type { Summary } from './stats.js';
import { ROOT } from './server-process.js';
import { isClean, type compressionCost, type heldStreams, type pacedReplies, type resumeLatency, type shortReplies } from './workloads.js';

type Result<F extends (...args: never[]) => unknown> = Awaited<ReturnType<F>>;

/** Everything one run of the matrix measured. */
export interface BenchResults {
  quick: boolean;
  pinned: boolean;
  startedAt: string;
  node: string;
  servers: {
    name: string;
    idleRssMiB: number;
    short: Result<typeof shortReplies>;
    /** Absent on a row measured on short replies only. */
    paced?: Result<typeof pacedReplies>;
    /** Users arriving over 2 s, re-opening as soon as a reply ends. */
    pacedReopen?: Result<typeof pacedReplies>;
    /** Absent on the rows measured without it (WORKERS, the nginx pair). */
    held?: Result<typeof heldStreams>;
    pacedBrowser?: Result<typeof pacedReplies>;
    resume?: Result<typeof resumeLatency>;
    compression?: Result<typeof compressionCost>[];
  }[];
  /** Bare Express with the API's compression, measured with a browser's encoding only. */
  compressedBaseline?: { name: string; pacedBrowser: Result<typeof pacedReplies> };
}

const BASELINE = 'node:http (bare)';
const EXPRESS = 'Express + JWT (bare)';
const MEMORY = 'ngx-chat API (memory)';
const REDIS = 'ngx-chat API (Redis)';
const WORKERS = 'ngx-chat API (Redis, WORKERS=2, both cores)';

const ms = (summary: Summary | undefined) => (summary ? `${summary.p50.toFixed(1)} / ${summary.p99.toFixed(1)}` : '—');

function ratio(value: number, base: number | undefined): string {
  return base ? `${(value / base).toFixed(2)}×` : '—';
}

/** One target: what was measured, against what bound. */
interface TargetCheck {
  target: string;
  measured: string;
  met: boolean;
}

function checkTargets(results: BenchResults): TargetCheck[] {
  const ours = results.servers.find((row) => row.name === MEMORY);
  const redis = results.servers.find((row) => row.name === REDIS);
  const workers = results.servers.find((row) => row.name === WORKERS);
  const express = results.servers.find((row) => row.name === EXPRESS);
  if (!ours?.paced || !ours.held) return [];
  const checks: TargetCheck[] = [];
  const add = (target: string, value: number | undefined, bound: number, unit: string, atMost: boolean) => {
    if (value === undefined || Number.isNaN(value)) return;
    checks.push({ target, measured: `${value.toFixed(unit === '×' ? 2 : 1)} ${unit}`, met: atMost ? value <= bound : value >= bound });
  };
  add('short replies ≥ 4,000 streams/s', ours.short.streamsPerSecond, 4000, 'streams/s', false);
  if (express) add('short replies ≥ 1.0× bare Express', ours.short.streamsPerSecond / express.short.streamsPerSecond, 1, '×', false);
  add('paced, identity: TTFB p99 ≤ 30 ms', ours.paced.ttfbMs.p99, 30, 'ms', true);
  add('paced, identity: added gap p99 ≤ 15 ms', ours.paced.addedGapMs.p99, 15, 'ms', true);
  add('paced, browser encoding: TTFB p99 ≤ 200 ms', ours.pacedBrowser?.ttfbMs.p99, 200, 'ms', true);
  add('paced, browser encoding: added gap p99 ≤ 40 ms', ours.pacedBrowser?.addedGapMs.p99, 40, 'ms', true);
  add('held streams, identity ≥ 7,500', ours.held.maxCleanStreams, 7500, 'streams', false);
  const identity = ours.compression?.find((row) => row.encoding === 'identity');
  for (const encoding of ['gzip', 'br']) {
    const row = ours.compression?.find((candidate) => candidate.encoding === encoding);
    if (!row) continue;
    add(`held streams, ${encoding}: 2,500 with no errors`, row.held.errors === 0 ? row.held.streams : 0, 2500, 'streams', false);
    add(`held streams, ${encoding}: ≤ 64 KiB RSS per stream`, row.held.rssPerStreamKiB, 64, 'KiB', true);
    if (identity) add(`${encoding}: wire bytes per chunk ≤ 0.2× identity`, row.wireBytesPerChunk / identity.wireBytesPerChunk, 0.2, '×', true);
  }
  add('resume from memory: first replayed event p99 ≤ 20 ms', ours.resume?.firstReplayedMs.p99, 20, 'ms', true);
  add('resume from Redis: first replayed event p99 ≤ 50 ms', redis?.resume?.firstReplayedMs.p99, 50, 'ms', true);
  // Issue 20: scale-out at memory speed.
  if (express?.paced) add('memory: server CPU per paced event ≤ 1.25× bare Express', ours.paced.serverCpuUsPerEvent / express.paced.serverCpuUsPerEvent, 1.25, '×', true);
  add('memory, arrivals over 2 s re-opening: TTFB p99 ≤ 30 ms', ours.pacedReopen?.ttfbMs.p99, 30, 'ms', true);
  add('memory, arrivals over 2 s re-opening: added gap p99 ≤ 15 ms', ours.pacedReopen?.addedGapMs.p99, 15, 'ms', true);
  if (redis) {
    add('Redis: short replies ≥ 0.6× memory', redis.short.streamsPerSecond / ours.short.streamsPerSecond, 0.6, '×', false);
    if (redis.paced) add('Redis: 1,000 paced replies, all finished', redis.paced.finished, redis.paced.streams, 'replies', false);
    add('Redis: paced TTFB p99 ≤ 100 ms', redis.paced?.ttfbMs.p99, 100, 'ms', true);
    add('Redis: paced added gap p99 ≤ 40 ms', redis.paced?.addedGapMs.p99, 40, 'ms', true);
    add('Redis: held streams ≥ 5,000', redis.held?.maxCleanStreams, 5000, 'streams', false);
  }
  if (workers && redis) add('WORKERS=2: short replies ≥ 1.6× one worker (Redis)', workers.short.streamsPerSecond / redis.short.streamsPerSecond, 1.6, '×', false);
  return checks;
}

/** The Markdown tables for a run. */
export function renderTables(results: BenchResults): string {
  const base = results.servers.find((row) => row.name === BASELINE);
  const lines: string[] = [];
  lines.push('| server | short replies (streams/s) | ratio | TTFB p50 / p99 (ms) | server CPU per short reply (µs) | ratio | paced: TTFB p50 / p99 (ms) | paced: added gap p50 / p99 (ms) | paced: server CPU per event (µs) | ratio | held streams (clean) | ratio | RSS per held stream (KiB) | first step not clean | errors | load generator CPU |');
  lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |');
  for (const row of results.servers) {
    const { paced, held } = row;
    const heldTop = held?.steps.filter(isClean).at(-1);
    const errors = row.short.errors + (paced?.errors ?? 0);
    const failed = held?.steps.find((step) => !isClean(step));
    const notClean = !held ? '—' : failed ? `${failed.streams}: ${failed.errors} errors, ${failed.listenOverflows} accept-queue overflows` : 'none';
    const pacedCells = paced
      ? `${ms(paced.ttfbMs)} | ${ms(paced.addedGapMs)} | ${paced.serverCpuUsPerEvent} | ${ratio(paced.serverCpuUsPerEvent, base?.paced?.serverCpuUsPerEvent)}`
      : '— | — | — | —';
    const heldCells = held ? `${held.maxCleanStreams} | ${ratio(held.maxCleanStreams, base?.held?.maxCleanStreams)} | ${heldTop?.rssPerStreamKiB ?? '—'}` : '— | — | —';
    lines.push(
      `| ${row.name} | ${row.short.streamsPerSecond} | ${ratio(row.short.streamsPerSecond, base?.short.streamsPerSecond)} | ${ms(row.short.ttfbMs)} | ${row.short.serverCpuUsPerStream} | ${ratio(row.short.serverCpuUsPerStream, base?.short.serverCpuUsPerStream)} | ${pacedCells} | ${heldCells} | ${notClean} | ${errors} | ${row.short.generatorCpu} |`,
    );
  }
  const pacedRows = results.servers.flatMap((row) => [
    ...(row.paced ? [{ name: row.name, arrivals: 'over 1 s, once', paced: row.paced }] : []),
    ...(row.pacedReopen ? [{ name: row.name, arrivals: 'over 2 s, re-opening', paced: row.pacedReopen }] : []),
  ]);
  if (pacedRows.length > 0) {
    lines.push('', '| server | paced users arriving | replies finished / started | TTFB p50 / p99 (ms) | added gap p50 / p99 (ms) | server CPU per event (µs) | load generator CPU |', '| --- | --- | ---: | ---: | ---: | ---: | ---: |');
    for (const { name, arrivals, paced } of pacedRows) {
      lines.push(`| ${name} | ${arrivals} | ${paced.finished} / ${paced.started} | ${ms(paced.ttfbMs)} | ${ms(paced.addedGapMs)} | ${paced.serverCpuUsPerEvent} | ${paced.generatorCpu} |`);
    }
  }
  const extra = results.servers.filter((row) => row.pacedBrowser || row.resume);
  if (extra.length > 0) {
    const baseline = results.compressedBaseline;
    const baseCpu = baseline?.pacedBrowser.serverCpuUsPerEvent;
    lines.push(
      '',
      `| server | paced, browser encoding: encoding | TTFB p50 / p99 (ms) | added gap p50 / p99 (ms) | server CPU per event (µs) | ratio to ${baseline?.name ?? 'a compressed baseline'} | resume: first replayed event p50 / p99 (ms) |`,
      '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
    );
    const browserRow = (name: string, paced: BenchResults['servers'][number]['pacedBrowser'], resume: BenchResults['servers'][number]['resume']) =>
      `| ${name} | ${paced?.encoding ?? '—'} | ${ms(paced?.ttfbMs)} | ${ms(paced?.addedGapMs)} | ${paced?.serverCpuUsPerEvent ?? '—'} | ${paced ? ratio(paced.serverCpuUsPerEvent, baseCpu) : '—'} | ${ms(resume?.firstReplayedMs)} |`;
    if (baseline) lines.push(browserRow(baseline.name, baseline.pacedBrowser, undefined));
    for (const row of extra) lines.push(browserRow(row.name, row.pacedBrowser, row.resume));
  }
  const compression = results.servers.flatMap((row) => (row.compression ?? []).map((entry) => ({ name: row.name, entry })));
  if (compression.length > 0) {
    const identity = compression.find(({ entry }) => entry.encoding === 'identity')?.entry.wireBytesPerChunk;
    lines.push('', '| server | encoding | wire bytes per chunk | ratio to identity | held streams | RSS per held stream (KiB) | errors |', '| --- | --- | ---: | ---: | ---: | ---: | ---: |');
    for (const { name, entry } of compression) {
      lines.push(`| ${name} | ${entry.encoding} | ${entry.wireBytesPerChunk} | ${ratio(entry.wireBytesPerChunk, identity)} | ${entry.held.streams} | ${entry.held.rssPerStreamKiB} | ${entry.errors + entry.held.errors} |`);
    }
  }
  // A --quick run keeps the benchmark working; its tiny workloads say nothing about the targets.
  const checks = results.quick ? [] : checkTargets(results);
  if (checks.length > 0) {
    lines.push('', '| target | measured | met |', '| --- | ---: | :---: |');
    for (const check of checks) lines.push(`| ${check.target} | ${check.measured} | ${check.met ? 'yes' : '**no**'} |`);
  }
  return lines.join('\n');
}

/** Writes bench/results.json and regenerates BENCHMARKS.md (a `--quick` run writes only bench/results.quick.json and prints). */
export function writeReport(results: BenchResults): void {
  const tables = renderTables(results);
  if (results.quick) {
    writeFileSync(`${ROOT}bench/results.quick.json`, `${JSON.stringify(results, null, 2)}\n`);
    console.log(tables);
    return;
  }
  writeFileSync(`${ROOT}bench/results.json`, `${JSON.stringify(results, null, 2)}\n`);
  const notesPath = `${ROOT}bench/NOTES.md`;
  const notes = existsSync(notesPath) ? readFileSync(notesPath, 'utf8') : '';
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const doc = [
    '# Benchmarks',
    '',
    '*Generated by `npm run bench` — do not edit; the commentary lives in `bench/NOTES.md` and is copied below.*',
    '',
    `- Run: ${results.startedAt}, Node ${results.node}, ${cpus().length} × ${cpu}.`,
    `- Each server runs as its own process${results.pinned ? ' pinned to core 0 (`taskset -c 0`)' : ''}; the load generator runs in the benchmark process${results.pinned ? ' pinned to core 1' : ''}.`,
    '- Workloads: (a) short replies, 10 unpaced chunks, 10 s at 50 concurrent; (b) 1,000 concurrent replies of 100 chunks 50 ms apart, started at a steady rate over 1 s, without compression and with a browser\'s `Accept-Encoding` (the latter also on bare Express with the API\'s compression middleware, after 500 short streams of warm-up); (c) held streams at 10 events/s, stepping 1,000 → 10,000 on a freshly started server until a step has errors or accept-queue overflows; (d) identity, gzip and br: wire bytes per chunk on 100-chunk replies with chunks 2 ms apart (each event compressed and flushed on its own, as tokens from a model are), and RSS per stream holding 2,500 on a freshly started server; (e) resume with `Last-Event-ID` to the first replayed event; (f) for bare Express and the API in memory and Redis, the paced replies again with the 1,000 users arriving over 2 s and each re-opening a reply as soon as one ends, for 12 s.',
    '- Scale-out rows: the API with Redis and `WORKERS=2` (short replies only; its primary and workers unpinned, on both cores, so the load generator shares them: see its CPU), and two API instances on one Redis behind nginx round-robin (both instances and nginx pinned to core 0; short and paced replies through nginx; each resume started on one instance and resumed on the other).',
    '- Ratios are to the bare `node:http` server measured in the same run. Times are milliseconds, p50 / p99. Server CPU is user + system time of the server process (all its threads) over the workload, per reply or per event received.',
    '',
    tables,
    '',
    notes,
  ].join('\n');
  writeFileSync(`${ROOT}BENCHMARKS.md`, doc);
  console.log(tables);
}
