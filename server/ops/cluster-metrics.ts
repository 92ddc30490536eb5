import cluster from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';

/** A worker asks the primary for every worker's metrics… */
const REQUEST = 'ngx-chat:metrics-request';
/** …and the primary answers with them, summed, or with why not. */
const REPLY = 'ngx-chat:metrics-reply';
/** Longer than prom-client's own wait for the workers' answers (5 s), so its error arrives first. */
const REPLY_WAIT_MS = 6000;

interface MetricsRequest {
  type: typeof REQUEST;
  id: number;
}

interface MetricsReply {
  type: typeof REPLY;
  id: number;
  text?: string;
  error?: string;
}

function isMessage<T extends { type: string }>(message: unknown, type: T['type']): message is T {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type;
}

/**
 * The primary's side of `WORKERS`: answers a worker's request for the metrics of all workers, each
 * metric aggregated the way prom-client defines for it (counters and histograms summed, so a
 * scrape that reaches any worker sees the host's totals).
 */
export function answerMetricsRequests(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: unknown) => {
    if (!isMessage<MetricsRequest>(message, REQUEST)) return;
    const reply = (answer: Omit<MetricsReply, 'type' | 'id'>) => {
      if (worker.isConnected()) worker.send({ type: REPLY, id: message.id, ...answer } satisfies MetricsReply);
    };
    aggregator.clusterMetrics().then(
      (text) => reply({ text }),
      (err: unknown) => reply({ error: err instanceof Error ? err.message : String(err) }),
    );
  });
}

/**
 * A worker's side of `WORKERS`: offers `registry` to the primary's aggregation, and returns a
 * reader of every worker's metrics through the primary. The reader rejects when the primary does
 * not answer, or answers that a worker did not.
 */
export function readThroughPrimary(registry: Registry): () => Promise<string> {
  AggregatorRegistry.setRegistries([registry]);
  // Constructing one is what makes prom-client answer the primary's requests in this worker.
  void new AggregatorRegistry();
  const pending = new Map<number, { resolve: (text: string) => void; reject: (err: Error) => void; timer: NodeJS.Timeout }>();
  let nextId = 0;
  process.on('message', (message: unknown) => {
    if (!isMessage<MetricsReply>(message, REPLY)) return;
    const request = pending.get(message.id);
    if (!request) return;
    pending.delete(message.id);
    clearTimeout(request.timer);
    if (message.text !== undefined) request.resolve(message.text);
    else request.reject(new Error(`the primary could not gather the workers' metrics: ${message.error ?? 'no answer'}`));
  });
  return () =>
    new Promise<string>((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`the primary did not answer for the workers' metrics within ${REPLY_WAIT_MS} ms`));
      }, REPLY_WAIT_MS);
      pending.set(id, { resolve, reject, timer });
      process.send?.({ type: REQUEST, id } satisfies MetricsRequest, undefined, undefined, (err: Error | null) => {
        // The primary is gone (the channel closed): no answer will come.
        if (!err) return;
        pending.delete(id);
        clearTimeout(timer);
        reject(err);
      });
    });
}
