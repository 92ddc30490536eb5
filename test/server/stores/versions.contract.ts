import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConversationBusyError, type ConversationStore, type TurnStart } from '../../../server/stores/conversation-store.js';
import { RevisionError } from '../../../server/stores/message-tree.js';
import type { ConversationStoreFactory } from './conversation-store.contract.js';

/** Begins a turn with `message` and ends it with `reply`; returns the turn. */
async function exchange(store: ConversationStore, conversationId: string, message: string, reply: string): Promise<TurnStart> {
  const turn = { conversationId, owner: 'alice', streamId: randomUUID(), userMessage: message };
  await store.beginTurn(turn);
  await store.endTurn(conversationId, turn.streamId, { content: reply, status: 'completed' });
  return turn;
}

const shown = async (store: ConversationStore, conversationId: string) =>
  ((await store.get(conversationId))?.messages ?? []).map(({ role, content, versions }) => (versions ? { role, content, versions } : { role, content }));

/** Defines regenerate, edit and version selection, for the stores that keep versions (SQL, memory). */
export function defineVersionsContract(create: ConversationStoreFactory): void {
  describe('versions contract', () => {
    it('regenerates the last reply beside the old one, answering the same message with the history before it', async () => {
      const { first, second } = await create({});
      const conversationId = randomUUID();
      await exchange(first, conversationId, 'one', 'reply one');
      await exchange(first, conversationId, 'two', 'reply two');
      const streamId = randomUUID();
      const turn = await second.revise({ conversationId, owner: 'alice', streamId, revision: { kind: 'regenerate' } });
      expect(turn.userMessage).toBe('two');
      expect(turn.history.map((message) => message.content)).toEqual(['one', 'reply one']);
      await expect(first.revise({ conversationId, owner: 'alice', streamId: randomUUID(), revision: { kind: 'regenerate' } })).rejects.toBeInstanceOf(ConversationBusyError);
      await first.endTurn(conversationId, streamId, { content: 'reply two, again', status: 'completed' });
      expect(await shown(second, conversationId)).toEqual([
        { role: 'user', content: 'one' },
        { role: 'assistant', content: 'reply one' },
        { role: 'user', content: 'two' },
        { role: 'assistant', content: 'reply two, again', versions: { index: 1, count: 2 } },
      ]);
    });

    it('switches versions, and the next message continues the version shown', async () => {
      const { first, second } = await create({});
      const conversationId = randomUUID();
      await exchange(first, conversationId, 'one', 'first try');
      const again = { conversationId, owner: 'alice', streamId: randomUUID(), revision: { kind: 'regenerate' as const } };
      await first.revise(again);
      const replyId = (await first.get(conversationId))?.messages.at(-1)?.id ?? '';
      await expect(first.select(conversationId, 'alice', replyId, 0)).rejects.toBeInstanceOf(ConversationBusyError);
      await first.endTurn(conversationId, again.streamId, { content: 'second try', status: 'completed' });
      expect(await second.select(conversationId, 'alice', replyId, 0)).toBe(true);
      expect((await shown(first, conversationId)).at(-1)).toEqual({ role: 'assistant', content: 'first try', versions: { index: 0, count: 2 } });
      expect(await second.select(conversationId, 'bob', replyId, 1)).toBe(false);
      await expect(second.select(conversationId, 'alice', replyId, 2)).rejects.toMatchObject({ code: 'invalid_version' });
      await expect(second.select(conversationId, 'alice', randomUUID(), 0)).rejects.toMatchObject({ code: 'message_not_found' });
      const history = await first.beginTurn({ conversationId, owner: 'alice', streamId: randomUUID(), userMessage: 'go on' });
      expect(history.map((message) => message.content)).toEqual(['one', 'first try']);
    });

    it('edits the last message as a new version with a new reply, keeping the old thread one switch away', async () => {
      const { first, second } = await create({});
      const conversationId = randomUUID();
      await exchange(first, conversationId, 'one', 'reply one');
      await exchange(first, conversationId, 'two', 'reply two');
      const messages = (await first.get(conversationId))?.messages ?? [];
      const earlier = messages[0].id ?? '';
      const last = messages[2].id ?? '';
      await expect(first.revise({ conversationId, owner: 'alice', streamId: randomUUID(), revision: { kind: 'edit', messageId: earlier, message: 'uno' } })).rejects.toBeInstanceOf(RevisionError);
      const edit = { conversationId, owner: 'alice', streamId: randomUUID(), revision: { kind: 'edit' as const, messageId: last, message: 'two, better' } };
      const turn = await second.revise(edit);
      expect(turn).toMatchObject({ userMessage: 'two, better' });
      expect(turn.history.map((message) => message.content)).toEqual(['one', 'reply one']);
      await second.endTurn(conversationId, edit.streamId, { content: 'reply to the better two', status: 'completed' });
      expect(await shown(first, conversationId)).toEqual([
        { role: 'user', content: 'one' },
        { role: 'assistant', content: 'reply one' },
        { role: 'user', content: 'two, better', versions: { index: 1, count: 2 } },
        { role: 'assistant', content: 'reply to the better two' },
      ]);
      await first.select(conversationId, 'alice', last, 0);
      expect((await shown(second, conversationId)).slice(2)).toEqual([
        { role: 'user', content: 'two', versions: { index: 0, count: 2 } },
        { role: 'assistant', content: 'reply two' },
      ]);
    });

    it('has nothing to regenerate before a reply exists', async () => {
      const { first } = await create({});
      const conversationId = randomUUID();
      await expect(first.revise({ conversationId, owner: 'alice', streamId: randomUUID(), revision: { kind: 'regenerate' } })).rejects.toMatchObject({
        code: 'nothing_to_regenerate',
      });
    });
  });
}
