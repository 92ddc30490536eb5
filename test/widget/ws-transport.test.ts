import { expect } from '@esm-bundle/chai';
import { executeServerCommand } from '@web/test-runner-commands';
import '../../widget/index.js';
import { BUILT_IN_STRINGS } from '../../widget/index.js';
import type { NgxChatErrorEvent } from '../../widget/events.js';
import { apiInfo, apiStats, cleanup, fixture, lastReplyText, login, replyEnded, resetApi, shadow, waitFor } from './support/helpers.js';

/** 60 words over about a second and a half: long enough to cut or stop in the middle. */
const LONG_TEXT = Array.from({ length: 12 }, (_, i) => `Sentence number ${i + 1} of the long reply.`).join(' ');
const LONG_SCRIPT = { text: LONG_TEXT, delay_ms: 25 };
const openSockets = () => executeServerCommand<number, undefined>('api-open-streams');

// The key cases of stream.test.ts and auth-and-errors.test.ts, over transport="ws".
describe('ngx-chat over the WebSocket transport', () => {
  let api: string;
  let strictApi: string;

  before(async () => {
    ({ url: api, strictUrl: strictApi } = await apiInfo());
  });
  beforeEach(resetApi);
  afterEach(cleanup);

  it('streams a reply and keeps one socket for the next message', async () => {
    const statuses: string[] = [];
    const element = await fixture({ 'api-url': api, guest: '', transport: 'ws' }, (el) => {
      el.metadata = { text: 'Hello **world**.', delay_ms: 5 };
      el.addEventListener('ngx-chat-status', (event) => statuses.push(event.status));
    });
    let ended = replyEnded(element);
    element.send('Hi there');
    const first = await ended;
    expect(first.status).to.equal('completed');
    expect(first.text).to.equal('Hello **world**.');
    expect(lastReplyText(element)).to.equal('Hello world.');
    expect(statuses).to.deep.equal(['connecting', 'streaming', 'idle']);

    ended = replyEnded(element);
    element.send('Again');
    const second = await ended;
    expect(second.conversationId).to.equal(first.conversationId);
    expect(element.messages.map((message) => message.text)).to.deep.equal(['Hi there', 'Hello **world**.', 'Again', 'Hello **world**.']);
    expect((await apiStats()).sends).to.equal(2);
    expect(await openSockets()).to.equal(1, 'both replies came over one socket');

    element.parentElement?.remove();
    await waitFor(async () => (await openSockets()) === 0, 'the socket to close with the element');
  });

  it('resumes after the server cuts the socket, with no text lost or repeated', async () => {
    const statuses: string[] = [];
    const element = await fixture({ 'api-url': api, guest: '', transport: 'ws' }, (el) => {
      el.metadata = LONG_SCRIPT;
      el.addEventListener('ngx-chat-status', (event) => statuses.push(event.status));
    });
    const ended = replyEnded(element);
    element.send('Tell me a long story');
    await waitFor(() => lastReplyText(element).length > 40, 'the reply to begin');
    expect(await executeServerCommand<number, undefined>('api-cut-streams')).to.equal(1);

    const event = await ended;
    expect(event.status).to.equal('completed');
    expect(event.text).to.equal(LONG_TEXT);
    expect(lastReplyText(element)).to.equal(LONG_TEXT);
    const stats = await apiStats();
    expect(stats.sends).to.equal(1);
    expect(stats.resumes).to.be.greaterThan(0);
    expect(Number(stats.resumeIds[0].split(':')[1])).to.be.greaterThan(2);
    expect(statuses).to.include('reconnecting');
  });

  it('stops a reply: the partial text stays, marked as stopped', async () => {
    const element = await fixture({ 'api-url': api, guest: '', transport: 'ws' }, (el) => {
      el.metadata = LONG_SCRIPT;
    });
    const ended = replyEnded(element);
    element.send('Tell me a long story');
    await waitFor(() => lastReplyText(element).length > 30, 'the reply to begin');
    const stop = await waitFor(() => shadow(element).querySelector<HTMLButtonElement>('[part="stop-button"]'), 'the stop button');
    stop.click();

    expect((await ended).status).to.equal('cancelled');
    const partial = lastReplyText(element);
    expect(LONG_TEXT.startsWith(partial)).to.equal(true);
    expect(partial.length).to.be.lessThan(LONG_TEXT.length);
    await waitFor(async () => (await apiStats()).deletes === 1, 'the DELETE');
    // The server has stopped the stream (the DELETE answered) and the reply is closed: nothing can follow.
    expect(lastReplyText(element)).to.equal(partial, 'nothing arrives after the stop');

    // The next message goes through once the stopped reply has let go of the conversation.
    const next = replyEnded(element);
    element.metadata = { text: 'After the stop.' };
    element.send('And now?');
    expect((await next).text).to.equal('After the stop.');
  });

  it('refreshes the token once after a 401 on the socket, then streams', async () => {
    let calls = 0;
    const element = await fixture({ 'api-url': api, transport: 'ws' }, (el) => {
      el.metadata = { text: 'Refreshed.' };
      el.getToken = async () => (++calls === 1 ? 'bad.token.signature' : login(api));
    });
    const ended = replyEnded(element);
    element.send('Hello');
    expect((await ended).text).to.equal('Refreshed.');
    expect(calls).to.equal(2);
  });

  it('says the site is not allowed when the API refuses its origin', async () => {
    const element = await fixture({ 'api-url': strictApi, token: await login(api), transport: 'ws' });
    const failed = new Promise<NgxChatErrorEvent['error']>((resolve) => {
      element.addEventListener('ngx-chat-error', (event) => {
        if (event.error.fatal) resolve(event.error);
      });
    });
    element.send('Hello');
    expect((await failed).code).to.equal('origin_not_allowed');
    expect(shadow(element).querySelector('[part~="message-assistant"] .note')?.textContent).to.equal(BUILT_IN_STRINGS.en.originNotAllowed);
  });
});
