import { expect } from '@esm-bundle/chai';
import '../../widget/index.js';
import type { NgxChat } from '../../widget/ngx-chat.js';
import { apiInfo, cleanup, reloadFrame, replyEnded, resetApi, waitFor } from './support/helpers.js';

/** About 60 words over a second and a half: time to watch it stream in another tab. */
const LONG_TEXT = Array.from({ length: 12 }, (_, i) => `Sentence number ${i + 1} of the long reply.`).join(' ');
const SCRIPT = { text: LONG_TEXT, delay_ms: 25 };

const texts = (element: NgxChat) => element.messages.map((message) => `${message.role}: ${message.text}`);

describe('ngx-chat across tabs and visits (storage="local", the default)', () => {
  let api: string;

  before(async () => {
    ({ url: api } = await apiInfo());
  });
  beforeEach(resetApi);
  afterEach(cleanup);

  it('shows a conversation started in one tab in another, its reply streaming live in both', async () => {
    const first = reloadFrame(api, SCRIPT);
    const second = reloadFrame(api, SCRIPT);
    const [a, b] = [await first.load(), await second.load()];
    expect(b.messages).to.have.length(0);
    const endedA = replyEnded(a);
    const endedB = replyEnded(b);
    a.send('Tell me a long story');
    // The second tab reattaches while the reply is still being written.
    await waitFor(() => b.messages.length === 2 && b.status === 'streaming', 'the other tab to follow the reply');
    expect(b.messages[0].text).to.equal('Tell me a long story');
    await Promise.all([endedA, endedB]);
    expect(texts(b)).to.deep.equal(texts(a));
    expect(b.messages[1].text).to.equal(LONG_TEXT);
    expect(b.conversationId).to.equal(a.conversationId);
  });

  it('keeps the conversation when the tab closes: the next visit shows it', async () => {
    const visit = reloadFrame(api, { text: 'Remembered.' });
    const before = await visit.load();
    const ended = replyEnded(before);
    before.send('Remember me');
    await ended;
    visit.frame.remove();
    const after = await reloadFrame(api, {}).load();
    await waitFor(() => after.messages.length === 2, 'the conversation of the last visit');
    expect(texts(after)).to.deep.equal(['user: Remember me', 'assistant: Remembered.']);
    expect(after.conversationId).to.equal(before.conversationId);
  });

  it('keeps the identity and the conversation to the tab with storage="session"', async () => {
    // (Frames share their tab's sessionStorage, so a closed tab cannot be played here; where the
    // entries go is what decides it.)
    const visit = reloadFrame(api, { text: 'Forgotten.' }, 'inline', 'session');
    const element = await visit.load();
    const ended = replyEnded(element);
    element.send('Forget me');
    await ended;
    const ours = (storage: Storage) => Object.keys(storage).filter((key) => key.startsWith('ngx-chat:reload-fixture:')).sort();
    expect(ours(localStorage)).to.deep.equal([]);
    expect(ours(sessionStorage)).to.deep.equal(['ngx-chat:reload-fixture:guest-token', 'ngx-chat:reload-fixture:session']);
  });
});
