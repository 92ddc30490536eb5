import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { readThroughPrimary } from './cluster-metrics.js';

/** Why a stream ended in an `error` event: a small fixed set, so the label stays cheap. */
export const STREAM_ERROR_REASON = {
  timeout: 'timeout',
  agent: 'agent',
  upstream: 'upstream',
  tooLong: 'too_long',
  shutdown: 'shutdown',
  store: 'store',
  interrupted: 'interrupted',
} as const;
export type StreamErrorReason = (typeof STREAM_ERROR_REASON)[keyof typeof STREAM_ERROR_REASON];

/**
 * The API's Prometheus metrics: the seed's five (`stream.chat.started`, `.completed`, `.error`,
 * `.duration`, `.ttfb`, named the Prometheus way) plus open streams, resumes, cancels, events and
 * wire bytes, and the default process metrics. One registry per app, so tests can run several.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly started = new Counter({ name: 'stream_chat_started_total', help: 'Streams started (new generations).', registers: [this.registry] });
  readonly completed = new Counter({ name: 'stream_chat_completed_total', help: 'Streams that ended with end/completed.', registers: [this.registry] });
  readonly errors = new Counter({
    name: 'stream_chat_error_total',
    help: 'Streams that ended with an error event, by reason.',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly duration = new Histogram({
    name: 'stream_chat_duration_seconds',
    help: 'Generation time from start to the terminal event.',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers: [this.registry],
  });
  readonly ttfb = new Histogram({
    name: 'stream_chat_ttfb_seconds',
    help: 'Time from the request to the first event written to the client.',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2],
    registers: [this.registry],
  });
  readonly open = new Gauge({ name: 'stream_chat_open_streams', help: 'SSE and WebSocket responses open now.', registers: [this.registry] });
  readonly resumes = new Counter({ name: 'stream_chat_resumes_total', help: 'Reads that resumed with a last event id.', registers: [this.registry] });
  readonly cancels = new Counter({ name: 'stream_chat_cancelled_total', help: 'Streams stopped by their owner.', registers: [this.registry] });
  readonly events = new Counter({
    name: 'stream_chat_events_sent_total',
    help: 'Events written to clients, by event name.',
    labelNames: ['event'] as const,
    registers: [this.registry],
  });
  readonly agentFailures = new Counter({
    name: 'agent_failures_total',
    help: 'Agent failures (not stops or timeouts), by agent and reason.',
    labelNames: ['agent', 'reason'] as const,
    registers: [this.registry],
  });
  readonly toolCalls = new Counter({
    name: 'tool_calls_total',
    help: 'Tool calls that finished, by tool and status (ok or error).',
    labelNames: ['tool', 'status'] as const,
    registers: [this.registry],
  });
  readonly toolCallDuration = new Histogram({
    name: 'tool_call_duration_seconds',
    help: 'How long tool calls took, by tool.',
    labelNames: ['tool'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly modelTokens = new Counter({
    name: 'model_tokens_total',
    help: 'Tokens models read and wrote, by agent and direction (input or output), as providers report them or estimated.',
    labelNames: ['agent', 'direction'] as const,
    registers: [this.registry],
  });
  readonly feedback = new Counter({
    name: 'chat_feedback_total',
    help: 'Ratings readers gave replies, by rating (up or down) and the agent that wrote them.',
    labelNames: ['rating', 'agent'] as const,
    registers: [this.registry],
  });
  readonly wireBytes = new Counter({
    name: 'stream_chat_wire_bytes_total',
    help: 'Bytes written to client sockets by stream responses, by content encoding.',
    labelNames: ['encoding'] as const,
    registers: [this.registry],
  });

  /** `events` by event name and `wireBytes` by encoding, bound once: labelling on every increment hashes the labels each time. */
  private readonly eventsSent: Record<string, Counter.Internal> = {};
  private readonly bytesSent: Record<string, Counter.Internal> = {};

  /** Where {@link text} reads from: this process's registry, or every worker's through the primary. */
  private read: () => Promise<string> = () => this.registry.metrics();

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** The metrics in Prometheus's text format: this process's, or after {@link readAcrossWorkers} the host's. */
  text(): Promise<string> {
    return this.read();
  }

  /**
   * In a worker of `WORKERS`: {@link text} answers with every worker's metrics, summed by the
   * primary, so a scrape that reaches any worker sees the host's counters, not one worker's.
   */
  readAcrossWorkers(): void {
    this.read = readThroughPrimary(this.registry);
  }

  /** Counts one event written to a client. */
  countEvent(event: string): void {
    (this.eventsSent[event] ??= this.events.labels({ event })).inc();
  }

  /** Counts bytes written to a client's socket with this content encoding (`identity`, `gzip`, `br`, `ws`). */
  countWireBytes(encoding: string, bytes: number): void {
    (this.bytesSent[encoding] ??= this.wireBytes.labels({ encoding })).inc(bytes);
  }
}
