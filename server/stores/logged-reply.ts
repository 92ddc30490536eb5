import { STREAM_EVENT, type ChunkData, type ReplyStep } from '../../protocol/index.js';
import { ReplyProgress } from '../chat/reply-progress.js';
import type { TurnEnding } from './conversation-store.js';
import type { EventLog } from './event-log.js';

/**
 * A finished stream's reply as its log has it — the text of its content chunks and, when it took
 * steps, every part in order — for a conversation to keep when the producer died before saying.
 */
export async function loggedReply(events: EventLog, streamId: string, signal: AbortSignal): Promise<TurnEnding> {
  const reply = new ReplyProgress();
  await events.follow(
    streamId,
    0,
    (batch) => {
      for (const { event, data } of batch) {
        if (event !== STREAM_EVENT.chunk) continue;
        const { chunk_index: _index, is_final: _final, ...chunk } = JSON.parse(data) as ChunkData;
        if (chunk.type !== 'content') reply.add(chunk as ReplyStep);
        else if (chunk.content !== '') reply.add(chunk.content);
      }
    },
    signal,
  );
  return { content: reply.text(), parts: reply.parts(), status: 'error' };
}
