import { randomUUID } from 'node:crypto';
import type { EventSourceMessage } from 'eventsource-parser';
import type { attempt as attemptFn, CutKind, SocketRegistry } from './chaos-client.js';

/** What {@link runChaos} needs. */
export interface ChaosOptions {
  /** API instances; each resume goes to the next one, round robin. */
  urls: string[];
  token: string;
  streams: number;
  concurrency: number;
  registries: Map<string, SocketRegistry>;
  /** The uninterrupted reply for a message. */
  expectedText: (message: string) => string;
  attempt: typeof attemptFn;
  /** Seed of the pseudo-random cut points, so a failure can be replayed. Defaults to 42. */
  seed?: number;
}

/** What happened over all streams. */
export interface ChaosReport {
  completed: number;
  failures: string[];
  cuts: Map<CutKind, number>;
  resumedSeveralTimes: number;
}

/** A small deterministic PRNG (mulberry32), so runs are reproducible. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Sends `streams` messages; each stream is cut at random points (client abort or server socket
 * destroyed) up to three times and resumed with the last id it received — or, cut before any
 * event, retried with the same `request_id`. Checks that chunk indices and event positions come
 * exactly once and in order, and that the text equals the uninterrupted reply.
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const rand = random(options.seed ?? 42);
  const report: ChaosReport = { completed: 0, failures: [], cuts: new Map(), resumedSeveralTimes: 0 };
  let next = 0;
  const worker = async () => {
    while (next < options.streams) {
      const n = next++;
      try {
        await oneStream(options, n, rand, report);
      } catch (err) {
        report.failures.push(`stream ${n}: ${(err as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return report;
}

async function oneStream(options: ChaosOptions, n: number, rand: () => number, report: ChaosReport): Promise<void> {
  const message = `chaos message ${n} ${'x'.repeat(n % 17)}`;
  const body = { message, request_id: randomUUID() };
  const received: EventSourceMessage[] = [];
  const cutsWanted = Math.floor(rand() * 4); // 0 to 3 cuts
  let cuts = 0;
  for (let round = 0; round < 20; round += 1) {
    const url = options.urls[round % options.urls.length];
    const cutAt = cuts < cutsWanted ? 1 + Math.floor(rand() * 40) : undefined;
    const kind: CutKind = rand() < 0.5 ? 'client-abort' : 'server-destroy';
    const result = await options.attempt(url, options.token, body, received.at(-1)?.id, cutAt, kind, options.registries);
    if (result.status !== 200) throw new Error(`status ${result.status} on round ${round}`);
    received.push(...result.events);
    if (cutAt !== undefined && result.events.length === cutAt) {
      cuts += 1;
      report.cuts.set(kind, (report.cuts.get(kind) ?? 0) + 1);
    }
    const last = received.at(-1);
    if (last && (last.event === 'end' || last.event === 'error')) break;
  }
  if (cuts >= 2) report.resumedSeveralTimes += 1;
  check(received, options.expectedText(message));
  report.completed += 1;
}

function check(events: EventSourceMessage[], expected: string): void {
  if (events[0]?.event !== 'start') throw new Error(`first event is ${events[0]?.event}`);
  if (events.at(-1)?.event !== 'end') throw new Error(`last event is ${events.at(-1)?.event}: ${events.at(-1)?.data}`);
  events.forEach((event, index) => {
    const seq = Number(event.id?.split(':')[1]);
    if (seq !== index + 1) throw new Error(`event ${index} has position ${seq}: lost or repeated`);
  });
  const chunks = events.filter((event) => event.event === 'chunk').map((event) => JSON.parse(event.data) as { content: string; chunk_index: number });
  chunks.forEach((chunk, index) => {
    if (chunk.chunk_index !== index) throw new Error(`chunk ${index} has index ${chunk.chunk_index}`);
  });
  const text = chunks.map((chunk) => chunk.content).join('');
  if (text !== expected) throw new Error(`text differs: ${JSON.stringify(text.slice(0, 60))}…`);
}
