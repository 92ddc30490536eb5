/** What one benchmark stream asks for: how many chunks, and how far apart. */
export interface Workload {
  chunks: number;
  intervalMs: number;
}

/** Reads `metadata.chunks` and `metadata.interval_ms` from a request body, with safe bounds. */
export function readWorkload(body: unknown): Workload {
  const metadata = (typeof body === 'object' && body !== null ? (body as Record<string, unknown>).metadata : undefined) as Record<string, unknown> | undefined;
  const chunks = Number(metadata?.chunks ?? 10);
  const intervalMs = Number(metadata?.interval_ms ?? 0);
  return {
    chunks: Number.isInteger(chunks) && chunks > 0 && chunks <= 10_000 ? chunks : 10,
    intervalMs: Number.isFinite(intervalMs) && intervalMs >= 0 && intervalMs <= 10_000 ? intervalMs : 0,
  };
}

/**
 * The benchmark's reply text: words that look like a model's (about 100 bytes per chunk event
 * once framed), the same for every server in the matrix.
 */
export function benchPiece(index: number): string {
  return ` word${index % 10}`;
}

/**
 * Yields the workload's pieces, `intervalMs` apart — with one timer and no per-piece abort
 * listener, as cheap as the baselines' `setTimeout`, so the matrix measures the server and not
 * the agent.
 */
export async function* pacedPieces(workload: Workload, signal: AbortSignal): AsyncIterable<string> {
  for (let i = 0; i < workload.chunks; i += 1) {
    if (workload.intervalMs > 0 && i > 0) await new Promise((resolve) => setTimeout(resolve, workload.intervalMs));
    signal.throwIfAborted();
    yield benchPiece(i);
  }
}
