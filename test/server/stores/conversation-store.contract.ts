import type { MessagePart } from '../../../protocol/index.js';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConversationBusyError, decodeCursor, type ConversationStore, type TurnStart } from '../../../server/stores/conversation-store.js';
import { eventually } from './eventually.js';

/** Two handles on one conversation store: for Redis, two instances on their own connections; in memory, one store twice. */
export interface ConversationStorePair {
  first: ConversationStore;
  second: ConversationStore;
}

/** Makes a fresh pair; the test file closes what it made after each test. */
export type ConversationStoreFactory = (options: { ttlS?: number }) => Promise<ConversationStorePair>;

function newTurn(conversationId: string, overrides: Partial<TurnStart> = {}): TurnStart {
  return { conversationId, owner: 'alice', streamId: randomUUID(), userMessage: 'hello', ...overrides };
}

/** Defines the behaviour every {@link ConversationStore} must have, against the stores `create` makes. */
export function defineConversationStoreContract(create: ConversationStoreFactory): void {
  describe('conversation store contract', () => {
    it('creates a conversation on its first turn, with its owner, the message and a streaming reply', async () => {
      const { first, second } = await create({});
      const conversationId = randomUUID();
      expect(await second.get(conversationId)).toBeUndefined();
      const turn = newTurn(conversationId);
      expect(await first.beginTurn(turn)).toEqual([]);
      const conversation = await second.get(conversationId);
      expect(conversation).toMatchObject({
        conversationId,
        owner: 'alice',
        messages: [
          { role: 'user', content: 'hello', status: 'completed' },
          { role: 'assistant', content: '', status: 'streaming', stream_id: turn.streamId },
        ],
      });
      for (const message of conversation?.messages ?? []) expect(new Date(message.created_at).toISOString()).toBe(message.created_at);
    });

    it('lists an owner’s conversations newest first, page by page, titled by their first message', async () => {
      const { first, second } = await create({});
      const owner = `lister-${randomUUID()}`;
      const ids: string[] = [];
      for (const message of ['First question\nwith a second line', 'Second', 'Third', 'x'.repeat(200)]) {
        const conversationId = randomUUID();
        ids.push(conversationId);
        const turn = newTurn(conversationId, { owner, userMessage: message });
        await first.beginTurn(turn);
        await first.endTurn(conversationId, turn.streamId, { content: 'ok', status: 'completed' });
        // Distinct times: the order is by activity.
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await first.beginTurn(newTurn(randomUUID(), { owner: 'someone-else' }));
      const page1 = await second.list(owner, 3);
      expect(page1.conversations.map((summary) => summary.conversationId)).toEqual([ids[3], ids[2], ids[1]]);
      expect(page1.conversations[0].title).toBe(`${'x'.repeat(79)}…`);
      expect(page1.nextCursor).toBeTypeOf('string');
      const page2 = await second.list(owner, 3, decodeCursor(page1.nextCursor!));
      expect(page2).toEqual({ conversations: [expect.objectContaining({ conversationId: ids[0], title: 'First question' })] });
      const { createdAt, updatedAt } = page2.conversations[0];
      expect(new Date(createdAt).toISOString()).toBe(createdAt);
      expect(Date.parse(updatedAt)).toBeGreaterThanOrEqual(Date.parse(createdAt));
      // A new turn moves a conversation to the top.
      await first.beginTurn(newTurn(ids[0], { owner, userMessage: 'again' }));
      expect((await second.list(owner, 1)).conversations[0].conversationId).toBe(ids[0]);
    });

    it('gives every message an id, and rates only the owner’s replies, the latest rating replacing the last', async () => {
      const { first, second } = await create({});
      const conversationId = randomUUID();
      const turn = newTurn(conversationId, { agent: 'demo' });
      await first.beginTurn(turn);
      await first.endTurn(conversationId, turn.streamId, { content: 'An answer.', status: 'completed' });
      const [question, answer] = (await second.get(conversationId))!.messages;
      expect(question.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(answer.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(answer.id).not.toBe(question.id);
      const down = { rating: 'down' as const, comment: 'Too vague', created_at: new Date().toISOString() };
      expect(await second.rate(conversationId, 'mallory', answer.id!, down)).toBeUndefined();
      expect(await second.rate(conversationId, 'alice', question.id!, down)).toBeUndefined();
      expect(await second.rate(conversationId, 'alice', randomUUID(), down)).toBeUndefined();
      expect(await second.rate(conversationId, 'alice', answer.id!, down)).toEqual({ agent: 'demo' });
      expect((await first.get(conversationId))!.messages[1]).toMatchObject({ content: 'An answer.', status: 'completed', feedback: down });
      const up = { rating: 'up' as const, created_at: new Date().toISOString() };
      await second.rate(conversationId, 'alice', answer.id!, up);
      expect((await first.get(conversationId))!.messages[1].feedback).toEqual(up);
    });

    it('renames and deletes only the owner’s conversation', async () => {
      const { first, second } = await create({});
      const conversationId = randomUUID();
      const owner = `renamer-${randomUUID()}`;
      await first.beginTurn(newTurn(conversationId, { owner }));
      expect(await second.rename(conversationId, 'mallory', 'Mine now')).toBe(false);
      expect(await second.rename(conversationId, owner, 'Kettle questions')).toBe(true);
      expect((await first.get(conversationId))?.title).toBe('Kettle questions');
      expect((await first.list(owner, 10)).conversations.map((summary) => summary.title)).toEqual(['Kettle questions']);
      expect(await second.remove(conversationId, 'mallory')).toBe(false);
      expect(await second.remove(conversationId, owner)).toBe(true);
      expect(await first.get(conversationId)).toBeUndefined();
      expect((await first.list(owner, 10)).conversations).toEqual([]);
      expect(await second.remove(conversationId, owner)).toBe(false);
      expect(await second.rename(randomUUID(), owner, 'Nothing')).toBe(false);
    });

    it('keeps the parts of a reply that took steps, in order, beside its text', async () => {
      const { first, second } = await create({});
      const conversationId = randomUUID();
      const turn = newTurn(conversationId);
      await first.beginTurn(turn);
      const parts: MessagePart[] = [
        { type: 'tool_call', tool_call_id: 'c1', name: 'search_products', arguments: { query: 'kettle', filters: {} } },
        { type: 'tool_result', tool_call_id: 'c1', name: 'search_products', status: 'ok', content: '[{"name":"Aria"}]' },
        { type: 'text', text: 'The Aria kettle.' },
      ];
      await second.endTurn(conversationId, turn.streamId, { content: 'The Aria kettle.', parts, status: 'completed' });
      const reply = (await first.get(conversationId))?.messages.at(-1);
      expect(reply).toMatchObject({ content: 'The Aria kettle.', status: 'completed', parts });
    });

    it('records how a reply ended and gives the next turn the history before it', async () => {
      const { first, second } = await create({});
      const conversationId = randomUUID();
      const turn = newTurn(conversationId);
      await first.beginTurn(turn);
      await second.endTurn(conversationId, turn.streamId, { content: 'Hi there.', status: 'completed' });
      const history = await second.beginTurn(newTurn(conversationId, { userMessage: 'and then?', owner: 'bob' }));
      expect(history).toMatchObject([
        { role: 'user', content: 'hello', status: 'completed' },
        { role: 'assistant', content: 'Hi there.', status: 'completed', stream_id: turn.streamId },
      ]);
      expect(history).toHaveLength(2);
      const conversation = await first.get(conversationId);
      expect(conversation?.owner).toBe('alice');
      expect(conversation?.messages.map((message) => [message.role, message.status])).toEqual([
        ['user', 'completed'],
        ['assistant', 'completed'],
        ['user', 'completed'],
        ['assistant', 'streaming'],
      ]);
    });

    it('keeps partial content of a cancelled or failed reply', async () => {
      const { first } = await create({});
      const conversationId = randomUUID();
      const cancelled = newTurn(conversationId);
      await first.beginTurn(cancelled);
      // Quotes, a slash, non-ASCII, an emoji and a newline: the Redis store re-encodes the message in Lua.
      await first.endTurn(conversationId, cancelled.streamId, { content: 'Half a "line" / ünï 🎉\n', status: 'cancelled' });
      const failed = newTurn(conversationId);
      await first.beginTurn(failed);
      await first.endTurn(conversationId, failed.streamId, { content: '', status: 'error' });
      const messages = (await first.get(conversationId))?.messages ?? [];
      expect(messages.filter((message) => message.role === 'assistant').map((message) => [message.content, message.status])).toEqual([
        ['Half a "line" / ünï 🎉\n', 'cancelled'],
        ['', 'error'],
      ]);
    });

    it('keeps the first end of a reply: a later end of the same stream changes nothing', async () => {
      const { first, second } = await create({});
      const conversationId = randomUUID();
      const turn = newTurn(conversationId);
      await first.beginTurn(turn);
      await second.endTurn(conversationId, turn.streamId, { content: 'What was logged', status: 'error' });
      await first.endTurn(conversationId, turn.streamId, { content: 'What was logged, and more', status: 'completed' });
      const reply = (await first.get(conversationId))?.messages.at(-1);
      expect(reply).toMatchObject({ content: 'What was logged', status: 'error', stream_id: turn.streamId });
      expect(await second.beginTurn(newTurn(conversationId))).toHaveLength(2);
    });

    it('refuses a second turn while a reply streams, on any instance, and accepts it after', async () => {
      const { first, second } = await create({});
      const conversationId = randomUUID();
      const turn = newTurn(conversationId);
      await first.beginTurn(turn);
      await expect(second.beginTurn(newTurn(conversationId))).rejects.toBeInstanceOf(ConversationBusyError);
      await expect(first.beginTurn(newTurn(conversationId))).rejects.toBeInstanceOf(ConversationBusyError);
      expect((await first.get(conversationId))?.messages).toHaveLength(2);
      await first.endTurn(conversationId, turn.streamId, { content: 'done', status: 'completed' });
      expect(await second.beginTurn(newTurn(conversationId))).toHaveLength(2);
    });

    it('lets exactly one of two simultaneous turns begin', async () => {
      const { first, second } = await create({});
      const conversationId = randomUUID();
      const results = await Promise.allSettled([first.beginTurn(newTurn(conversationId)), second.beginTurn(newTurn(conversationId))]);
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.find((result) => result.status === 'rejected');
      expect(rejected?.status === 'rejected' && rejected.reason).toBeInstanceOf(ConversationBusyError);
      expect((await first.get(conversationId))?.messages).toHaveLength(2);
    });

    it('ignores the end of a turn it does not know', async () => {
      const { first } = await create({});
      const conversationId = randomUUID();
      await first.endTurn(randomUUID(), randomUUID(), { content: 'lost', status: 'completed' });
      await first.beginTurn(newTurn(conversationId));
      await first.endTurn(conversationId, randomUUID(), { content: 'lost', status: 'completed' });
      expect((await first.get(conversationId))?.messages.map((message) => message.content)).toEqual(['hello', '']);
    });

    it('drops a conversation after its TTL without activity', async () => {
      const { first, second } = await create({ ttlS: 1 });
      const conversationId = randomUUID();
      const turn = newTurn(conversationId);
      await first.beginTurn(turn);
      await first.endTurn(conversationId, turn.streamId, { content: 'bye', status: 'completed' });
      expect(await second.get(conversationId)).toBeDefined();
      await eventually(async () => expect(await second.get(conversationId)).toBeUndefined());
      expect(await second.beginTurn(newTurn(conversationId))).toEqual([]);
    });
  });
}
