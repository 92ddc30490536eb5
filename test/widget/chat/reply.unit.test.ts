import type { EventSourceMessage } from '@microsoft/fetch-event-source';
import { describe, expect, it } from 'vitest';
import { StreamInterruptedError } from '../../../widget/api/api-errors.js';
import { MESSAGE_STATUS, type ChatMessage } from '../../../widget/chat/chat-state.js';
import { Reply } from '../../../widget/chat/reply.js';

const STREAM = '3b1f4a0e-0000-4000-8000-000000000000';
const event = (seq: number, name: string, data: object): EventSourceMessage => ({ id: `${STREAM}:${seq}`, event: name, data: JSON.stringify(data), retry: undefined });
const chunk = (seq: number, index: number, content: string) => event(seq, 'chunk', { type: 'content', content, chunk_index: index, is_final: false });

function newReply(): Reply {
  const message: ChatMessage = { key: 0, role: 'assistant', text: '', status: MESSAGE_STATUS.streaming, createdAt: new Date(0).toISOString() };
  return new Reply(message, 'hi', () => undefined);
}

describe('Reply.apply', () => {
  it('applies each chunk once, in chunk_index order, whatever is replayed', () => {
    const reply = newReply();
    reply.apply(event(1, 'start', { stream_id: STREAM, conversation_id: 'c', status: 'processing', request_id: 'r' }));
    reply.apply(chunk(2, 0, 'a'));
    reply.apply(chunk(3, 1, 'b'));
    expect(reply.apply(chunk(2, 0, 'a'))).toEqual({ kind: 'ignored' });
    reply.apply(chunk(4, 2, 'c'));
    expect(reply.text).toBe('abc');
    expect(reply.lastEventId).toBe(`${STREAM}:4`);
    expect(reply.streamId).toBe(STREAM);
  });

  it('asks for a resume when a chunk is missing', () => {
    const reply = newReply();
    reply.apply(chunk(2, 0, 'a'));
    expect(() => reply.apply(chunk(4, 2, 'c'))).toThrow(StreamInterruptedError);
    expect(reply.text).toBe('a');
  });

  it('asks for a resume on a retryable error, and ends on one that is not', () => {
    const retryable = newReply();
    retryable.apply(chunk(2, 0, 'a'));
    expect(() => retryable.apply(event(2, 'error', { error: 'cut', conversation_id: 'c', status: 'error', retryable: true }))).toThrow(StreamInterruptedError);
    const failed = newReply();
    expect(failed.apply(event(3, 'error', { error: 'model failed', conversation_id: 'c', status: 'error', retryable: false }))).toMatchObject({ kind: 'error' });
    expect(failed.lastEventId).toBe(`${STREAM}:3`);
  });

  it('ignores events it does not know, as the protocol asks', () => {
    expect(newReply().apply(event(5, 'something-new', {}))).toEqual({ kind: 'ignored' });
  });
});
