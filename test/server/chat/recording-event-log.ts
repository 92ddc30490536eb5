import type { StreamEventName } from '../../../protocol/index.js';
import type { EventLog, EventSink, OpenResult, StoredEvent, StreamRecord } from '../../../server/stores/event-log.js';

/** One append, with `performance.now()` when the producer made it. */
export interface RecordedAppend {
  event: StreamEventName;
  data: string;
  at: number;
}

/** An event log that records when each event is appended, in-process, then hands it on. */
export class RecordingEventLog implements EventLog {
  readonly appends: RecordedAppend[] = [];

  constructor(private readonly inner: EventLog) {}

  async open(record: StreamRecord): Promise<OpenResult> {
    const opened = await this.inner.open(record);
    if (opened.kind !== 'opened') return opened;
    const { writer } = opened;
    return {
      kind: 'opened',
      writer: {
        onStop: (listener: () => void) => writer.onStop(listener),
        close: () => writer.close(),
        append: (event: StreamEventName, data: string): StoredEvent | Promise<StoredEvent> => {
          this.appends.push({ event, data, at: performance.now() });
          return writer.append(event, data);
        },
      },
    };
  }

  get(streamId: string): Promise<StreamRecord | undefined> {
    return this.inner.get(streamId);
  }

  claimed(owner: string, requestId: string): Promise<string | undefined> {
    return this.inner.claimed(owner, requestId);
  }

  follow(streamId: string, afterSeq: number, sink: EventSink, signal: AbortSignal): Promise<void> {
    return this.inner.follow(streamId, afterSeq, sink, signal);
  }

  stop(streamId: string): Promise<void> {
    return this.inner.stop(streamId);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
