import { expect } from '@esm-bundle/chai';
import { executeServerCommand } from '@web/test-runner-commands';
import '../../widget/index.js';
import { apiInfo, cleanup, fixture, lastReplyText, replyEnded, resetApi, waitFor } from './support/helpers.js';

describe('several ngx-chat elements on one page', () => {
  let api: string;

  before(async () => {
    ({ url: api } = await apiInfo());
  });
  beforeEach(resetApi);
  afterEach(cleanup);

  it('keep separate conversations, storage and streams', async () => {
    const first = await fixture({ 'api-url': api, guest: '', 'instance-id': 'sales' }, (el) => {
      el.metadata = { text: 'Sales here, a slower and longer reply for you.', delay_ms: 20 };
    });
    const second = await fixture({ 'api-url': api, guest: '', id: 'support-chat' }, (el) => {
      el.metadata = { text: 'Support here.', delay_ms: 5 };
    });
    const firstEnded = replyEnded(first);
    const secondEnded = replyEnded(second);
    first.send('To sales');
    second.send('To support');
    await waitFor(() => lastReplyText(first).length > 5, 'the first reply to begin');
    first.stop();

    const [a, b] = await Promise.all([firstEnded, secondEnded]);
    expect(a.status).to.equal('cancelled');
    expect(b.status).to.equal('completed', 'stopping one does not stop the other');
    expect(b.text).to.equal('Support here.');
    expect(a.conversationId).to.not.equal(b.conversationId);
    expect(first.messages.map((message) => message.text)[0]).to.equal('To sales');
    expect(second.messages.map((message) => message.text)).to.deep.equal(['To support', 'Support here.']);

    const keys = Object.keys(localStorage).sort();
    expect(keys).to.deep.equal(['ngx-chat:sales:guest-token', 'ngx-chat:sales:session', 'ngx-chat:support-chat:guest-token', 'ngx-chat:support-chat:session']);
    expect(JSON.parse(localStorage.getItem('ngx-chat:sales:session') ?? '{}').conversationId).to.equal(a.conversationId);
    expect(JSON.parse(localStorage.getItem('ngx-chat:support-chat:session') ?? '{}').conversationId).to.equal(b.conversationId);
  });

  it('abort their stream when removed from the page', async () => {
    const element = await fixture({ 'api-url': api, guest: '' }, (el) => {
      el.metadata = { text: 'A reply that will not be read to the end by anyone at all.', delay_ms: 40 };
    });
    element.send('Hello');
    await waitFor(() => lastReplyText(element).length > 3, 'the reply to begin');
    expect(await executeServerCommand('api-open-streams')).to.equal(1);
    element.parentElement?.remove();
    await waitFor(async () => (await executeServerCommand<number, undefined>('api-open-streams')) === 0, 'the stream to close');
  });
});
