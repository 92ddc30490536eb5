import { randomUUID } from 'node:crypto';
import type { ConversationMessage } from './conversation-store.js';

/**
 * A stored message: a node of the conversation's tree. Regenerating a reply adds a sibling
 * assistant message under the same user message; editing a user message adds a sibling user
 * message under the same parent. The conversation shows one path, root to its current leaf.
 */
export interface TreeMessage extends ConversationMessage {
  id: string;
  /** The message it answers or follows; null for a conversation's first message. */
  parent_id: string | null;
}

/** What changes the end of a conversation instead of adding to it. */
export type Revision = { kind: 'regenerate' } | { kind: 'edit'; messageId: string; message: string };

/** Thrown when a revision does not fit the conversation: the code and message are the API's answer. */
export class RevisionError extends Error {
  override name = 'RevisionError';

  constructor(
    readonly code: 'nothing_to_regenerate' | 'not_last_user_message' | 'message_not_found' | 'invalid_version',
    message: string,
  ) {
    super(message);
  }
}

/** Where a revision goes in the tree, and what the agent answers. */
export interface RevisionPlan {
  /** The messages before the user message being answered: the agent's history. */
  history: TreeMessage[];
  /** The user message the new reply answers: an existing one (regenerate) or a new version's text (edit). */
  userMessage: string;
  /** For regenerate, the user message the new reply goes under. */
  answers?: TreeMessage;
  /** For edit, the parent of the new user message version (null at the root). */
  editParent?: string | null;
}

/** The messages from the root to `leafId`, in order (`messages` in creation order). */
export function pathTo(messages: readonly TreeMessage[], leafId: string | null | undefined): TreeMessage[] {
  const byId = new Map(messages.map((message) => [message.id, message]));
  const path: TreeMessage[] = [];
  for (let message = leafId ? byId.get(leafId) : undefined; message; message = message.parent_id ? byId.get(message.parent_id) : undefined) path.push(message);
  return path.reverse();
}

/** The versions of `message`: the messages of its role under the same parent, oldest first. */
export function versionsOf(messages: readonly TreeMessage[], message: TreeMessage): TreeMessage[] {
  return messages.filter((candidate) => candidate.parent_id === message.parent_id && candidate.role === message.role);
}

/** The path to `leafId` as a client sees it: `versions` on each message that has siblings. */
export function shownPath(messages: readonly TreeMessage[], leafId: string | null | undefined): ConversationMessage[] {
  return pathTo(messages, leafId).map(({ parent_id: _parent, ...message }) => {
    const versions = versionsOf(messages, { ...message, parent_id: _parent });
    const shown: ConversationMessage = { ...message, ...(message.feedback ? { feedback: { ...message.feedback } } : {}) };
    if (versions.length > 1) shown.versions = { index: versions.findIndex((version) => version.id === message.id), count: versions.length };
    return shown;
  });
}

/** The newest leaf below `messageId`, following the newest child at each step: where a selected version's thread ends. */
export function newestLeafUnder(messages: readonly TreeMessage[], messageId: string): string {
  let leaf = messageId;
  for (;;) {
    const child = messages.findLast((candidate) => candidate.parent_id === leaf);
    if (!child) return leaf;
    leaf = child.id;
  }
}

/**
 * The leaf to show once version `index` of message `messageId` is selected.
 * @throws RevisionError when there is no such message or version
 */
export function leafForVersion(messages: readonly TreeMessage[], messageId: string, index: number): string {
  const message = messages.find((candidate) => candidate.id === messageId);
  if (!message) throw new RevisionError('message_not_found', 'No message with that id in this conversation.');
  const versions = versionsOf(messages, message);
  const chosen = versions[index];
  if (!Number.isInteger(index) || !chosen) throw new RevisionError('invalid_version', `"index" must be a whole number from 0 to ${versions.length - 1}.`);
  return newestLeafUnder(messages, chosen.id);
}

/**
 * Where `revision` goes on the current `path`: only the last exchange can be regenerated or edited.
 * @throws RevisionError when the path does not end in a finished exchange, or the edit names another message
 */
export function planRevision(path: readonly TreeMessage[], revision: Revision): RevisionPlan {
  const reply = path.at(-1);
  const user = path.at(-2);
  if (reply?.role !== 'assistant' || user?.role !== 'user') {
    throw new RevisionError('nothing_to_regenerate', 'The conversation has no reply to regenerate or message to edit yet.');
  }
  const history = path.slice(0, -2);
  if (revision.kind === 'regenerate') return { history, userMessage: user.content, answers: user };
  if (revision.messageId !== user.id) throw new RevisionError('not_last_user_message', 'Only the last message you sent can be edited.');
  return { history, userMessage: revision.message, editParent: user.parent_id };
}

/** A turn's new messages: the user's (absent when a reply is regenerated) and the streaming reply, which becomes the leaf. */
export interface TurnNodes {
  added: TreeMessage[];
  reply: TreeMessage;
  /** What the agent is given: the messages before the one it answers, and that message's text. */
  history: ConversationMessage[];
  userMessage: string;
}

/** What a turn needs to know to add its messages. */
export interface TurnNodeInput {
  streamId: string;
  userMessage?: string;
  agent?: string;
  replyId?: string;
  userMessageId?: string;
  revision?: Revision;
}

/**
 * The messages a turn adds to a conversation whose current leaf is `leafId`: a message follows the
 * leaf; a regenerated reply goes beside the last one; an edit goes beside the last user message.
 * @throws RevisionError when a revision does not fit the path
 */
export function turnNodes(messages: readonly TreeMessage[], leafId: string | null | undefined, turn: TurnNodeInput, now: string): TurnNodes {
  const path = pathTo(messages, leafId);
  const plan: RevisionPlan = turn.revision ? planRevision(path, turn.revision) : { history: path, userMessage: turn.userMessage ?? '' };
  const added: TreeMessage[] = [];
  let replyParent = plan.answers?.id ?? null;
  if (!plan.answers) {
    const user: TreeMessage = { id: turn.userMessageId ?? randomUUID(), parent_id: plan.editParent !== undefined ? plan.editParent : (leafId ?? null), role: 'user', content: plan.userMessage, status: 'completed', created_at: now };
    added.push(user);
    replyParent = user.id;
  }
  const reply: TreeMessage = { ...streamingReply(turn, now), id: turn.replyId ?? randomUUID(), parent_id: replyParent };
  added.push(reply);
  return { added, reply, history: plan.history.map(withoutTreeFields), userMessage: plan.userMessage };
}

/** A stored message as the agent and the API see it: no parent, no versions. */
function withoutTreeFields({ parent_id: _parent, versions: _versions, ...message }: TreeMessage): ConversationMessage {
  return { ...message, ...(message.feedback ? { feedback: { ...message.feedback } } : {}) };
}

/** The reply a turn begins with: empty, streaming, tied to its stream. */
export function streamingReply(turn: Pick<TurnNodeInput, 'replyId' | 'streamId' | 'agent'>, now: string): ConversationMessage {
  return {
    id: turn.replyId ?? randomUUID(),
    role: 'assistant',
    content: '',
    status: 'streaming',
    created_at: now,
    stream_id: turn.streamId,
    ...(turn.agent ? { agent: turn.agent } : {}),
  };
}
