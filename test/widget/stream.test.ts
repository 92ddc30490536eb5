import { expect } from '@esm-bundle/chai';
import { executeServerCommand } from '@web/test-runner-commands';
import '../../widget/index.js';
import { apiInfo, apiStats, cleanup, fixture, lastReplyText, reloadFrame, replyEnded, resetApi, shadow, waitFor } from './support/helpers.js';

/** 60 words over about a second and a half: long enough to cut, reload or stop in the middle. */
const LONG_TEXT = Array.from({ length: 12 }, (_, i) => `Sentence number ${i + 1} of the long reply.`).join(' ');
const LONG_SCRIPT = { text: LONG_TEXT, delay_ms: 25 };

// The same reader-facing behaviour over both transports (the `transport` attribute).
for (const transport of ['sse', 'ws'] as const) {
  describe(`ngx-chat streaming over ${transport}`, () => {
    let api: string;

    before(async () => {
      ({ url: api } = await apiInfo());
    });
    beforeEach(resetApi);
    afterEach(cleanup);

    it('streams a reply and renders its Markdown', async () => {
      const statuses: string[] = [];
      const element = await fixture({ 'api-url': api, guest: '', transport }, (el) => {
        el.metadata = { text: 'Hello **world**. Here is `code` and a [link](https://example.com/docs).', delay_ms: 5 };
        el.addEventListener('ngx-chat-status', (event) => statuses.push(event.status));
      });
      const ended = replyEnded(element);
      expect(element.send('Hi there')).to.equal(true);
      const event = await ended;

      expect(event.status).to.equal('completed');
      expect(event.text).to.equal('Hello **world**. Here is `code` and a [link](https://example.com/docs).');
      expect(event.conversationId).to.match(/^[0-9a-f-]{36}$/);
      expect(lastReplyText(element)).to.equal('Hello world. Here is code and a link.');
      const reply = shadow(element).querySelector('[part~="message-assistant"] .md');
      expect(reply?.querySelector('strong')?.textContent).to.equal('world');
      expect(reply?.querySelector('code')?.textContent).to.equal('code');
      expect(shadow(element).querySelector('[part~="message-user"]')?.textContent).to.contain('Hi there');
      expect(element.messages.map((message) => [message.role, message.status])).to.deep.equal([
        ['user', 'completed'],
        ['assistant', 'completed'],
      ]);
      expect(statuses).to.deep.equal(['connecting', 'streaming', 'idle']);
      expect(element.status).to.equal('idle');
    });

    it('resumes after the server cuts the connection, with no text lost or repeated', async () => {
      const statuses: string[] = [];
      const element = await fixture({ 'api-url': api, guest: '', transport }, (el) => {
        el.metadata = LONG_SCRIPT;
        el.addEventListener('ngx-chat-status', (event) => statuses.push(event.status));
      });
      const ended = replyEnded(element);
      element.send('Tell me a long story');
      await waitFor(() => lastReplyText(element).length > 40, 'the reply to begin');
      const cut = await executeServerCommand<number, undefined>('api-cut-streams');
      expect(cut).to.equal(1);

      const event = await ended;
      expect(event.status).to.equal('completed');
      expect(event.text).to.equal(LONG_TEXT);
      expect(lastReplyText(element)).to.equal(LONG_TEXT);
      const stats = await apiStats();
      expect(stats.sends).to.equal(1);
      expect(stats.resumes).to.be.greaterThan(0);
      // The resume carried the id of an event the widget had applied, well past the start.
      expect(Number(stats.resumeIds[0].split(':')[1])).to.be.greaterThan(2);
      expect(statuses).to.include('reconnecting');
    });

    it('applies each chunk once when a resume replays chunks it already has', async () => {
      await executeServerCommand('api-rewind-resumes', { events: 6 });
      const element = await fixture({ 'api-url': api, guest: '', transport }, (el) => {
        el.metadata = LONG_SCRIPT;
      });
      const ended = replyEnded(element);
      element.send('Tell me a long story');
      await waitFor(() => lastReplyText(element).length > 60, 'the reply to begin');
      await executeServerCommand('api-cut-streams');

      expect((await ended).text).to.equal(LONG_TEXT);
      expect(lastReplyText(element)).to.equal(LONG_TEXT);
      expect((await apiStats()).resumes).to.be.greaterThan(0);
    });

    it('stops a reply: the partial text stays, marked as stopped, and the next message goes through', async () => {
      const element = await fixture({ 'api-url': api, guest: '', transport }, (el) => {
        el.metadata = LONG_SCRIPT;
      });
      const ended = replyEnded(element);
      element.send('Tell me a long story');
      await waitFor(() => lastReplyText(element).length > 30, 'the reply to begin');
      const stop = await waitFor(() => shadow(element).querySelector<HTMLButtonElement>('[part="stop-button"]'), 'the stop button');
      stop.click();

      const event = await ended;
      expect(event.status).to.equal('cancelled');
      const partial = lastReplyText(element);
      expect(partial.length).to.be.greaterThan(30);
      expect(LONG_TEXT.startsWith(partial)).to.equal(true);
      expect(partial.length).to.be.lessThan(LONG_TEXT.length);
      expect(shadow(element).querySelector('[part~="message-assistant"] .note')?.textContent).to.equal('Stopped');
      await waitFor(async () => (await apiStats()).deletes === 1, 'the DELETE');
      expect(shadow(element).querySelector('[part="send-button"]')).to.exist;
      // The server has stopped the stream (the DELETE answered) and the reply is closed: nothing can follow.
      expect(lastReplyText(element)).to.equal(partial, 'nothing arrives after the stop');
      expect(element.messages.at(-1)?.status).to.equal('cancelled');

      // The next message goes through once the stopped reply has let go of the conversation.
      const next = replyEnded(element);
      element.metadata = { text: 'After the stop.' };
      element.send('And now?');
      expect((await next).text).to.equal('After the stop.');
    });

    it('stops a reply asked to stop before its stream had started', async () => {
      const element = await fixture({ 'api-url': api, guest: '', transport }, (el) => {
        el.metadata = LONG_SCRIPT;
      });
      const ended = replyEnded(element);
      element.send('Tell me a long story');
      element.stop();
      expect((await ended).status).to.equal('cancelled');
      await waitFor(async () => (await apiStats()).deletes === 1, 'the DELETE once the stream id was known');
      expect(LONG_TEXT.startsWith(lastReplyText(element))).to.equal(true);
    });

    it('sends the next message in the same conversation', async () => {
      const element = await fixture({ 'api-url': api, guest: '', transport }, (el) => {
        el.metadata = { text: 'Short answer.' };
      });
      let ended = replyEnded(element);
      element.send('First');
      const first = await ended;
      ended = replyEnded(element);
      element.send('Second');
      const second = await ended;
      expect(second.conversationId).to.equal(first.conversationId);
      expect(element.messages.map((message) => message.text)).to.deep.equal(['First', 'Short answer.', 'Second', 'Short answer.']);
    });
  });
}

describe('ngx-chat streaming over SSE, through a page and a proxy', () => {
  let api: string;

  before(async () => {
    ({ url: api } = await apiInfo());
  });
  beforeEach(resetApi);
  afterEach(cleanup);

  it('resumes a reply after a page reload in the middle of it', async () => {
    const { frame, load: chatIn } = reloadFrame(api, LONG_SCRIPT);

    const before = await chatIn();
    before.send('Tell me a long story');
    await waitFor(() => lastReplyText(before).length > 60, 'the reply to begin');
    const shownBeforeReload = lastReplyText(before);
    frame.contentWindow?.location.reload();

    const after = await chatIn();
    const ended = replyEnded(after);
    await waitFor(() => after.messages.length === 2, 'the conversation to be restored');
    expect(after.messages[0].text).to.equal('Tell me a long story');
    expect(LONG_TEXT.startsWith(shownBeforeReload)).to.equal(true);
    const event = await ended;
    expect(event.text).to.equal(LONG_TEXT);
    expect(lastReplyText(after)).to.equal(LONG_TEXT);

    const stats = await apiStats();
    expect(stats.sends).to.equal(1);
    expect(stats.conversationGets).to.equal(1);
    expect(stats.resumes).to.equal(1);
    expect(stats.guestTokens).to.equal(1, 'the reloaded page keeps its guest identity');
    frame.remove();
  });

  it('warns once when a proxy buffers the stream', async () => {
    const { bufferedUrl } = await apiInfo();
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args.join(' '));
    try {
      const text = Array.from({ length: 24 }, (_, i) => `word${i}`).join(' ');
      const element = await fixture({ 'api-url': bufferedUrl, guest: '' }, (el) => {
        el.metadata = { text, delay_ms: 100 };
      });
      const ended = replyEnded(element);
      element.send('Through the proxy');
      expect((await ended).text).to.equal(text);
      expect(warnings.filter((warning) => warning.includes('a proxy is buffering the stream'))).to.have.length(1);
    } finally {
      console.warn = warn;
    }
  });
});
