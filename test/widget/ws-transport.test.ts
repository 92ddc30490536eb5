import { expect } from '@esm-bundle/chai';
import { executeServerCommand } from '@web/test-runner-commands';
import '../../widget/index.js';
import { BUILT_IN_STRINGS } from '../../widget/index.js';
import type { NgxChatErrorEvent } from '../../widget/events.js';
import { apiInfo, apiStats, cleanup, fixture, lastReplyText, login, replyEnded, resetApi, shadow, waitFor } from './support/helpers.js';

const openSockets = () => executeServerCommand<number, undefined>('api-open-streams');

// What only the WebSocket transport has: one socket kept between messages, and the auth and
// origin failures of its handshake. stream.test.ts runs the rest over both transports.
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
