import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import '../../widget/index.js';
import type { NgxChat } from '../../widget/ngx-chat.js';
import { apiInfo, cleanup, fixture, nextEvent, replyEnded, resetApi, shadow, storedConversation, waitFor } from './support/helpers.js';

const part = (element: NgxChat, name: string) => shadow(element).querySelector<HTMLButtonElement>(`[part~="message-assistant"] [part="${name}"]`)!;

/** The reply's feedback as the API keeps it. */
async function storedFeedback(api: string, element: NgxChat): Promise<unknown> {
  return (await storedConversation(api, element)).messages[1].feedback;
}

describe('ngx-chat feedback on replies', () => {
  let api: string;

  before(async () => {
    ({ url: api } = await apiInfo());
  });
  beforeEach(resetApi);
  afterEach(cleanup);

  it('rates a reply 👍, then 👎 with a comment written by keyboard; the API keeps the latest, and events say each', async () => {
    const element = await fixture({ 'api-url': api, guest: '' }, (el) => {
      el.metadata = { text: 'An answer to rate.' };
    });
    const ended = replyEnded(element);
    element.send('Rate this');
    await ended;
    await element.updateComplete;
    const up = part(element, 'feedback-up');
    const down = part(element, 'feedback-down');
    expect(up.getAttribute('aria-label')).to.equal('Good reply');
    expect(up.getAttribute('aria-pressed')).to.equal('false');
    expect(shadow(element).querySelectorAll('[part~="message-user"] [part="feedback-up"]')).to.have.length(0);

    const liked = nextEvent(element, 'ngx-chat-feedback');
    up.click();
    const first = await liked;
    expect([first.rating, first.comment]).to.deep.equal(['up', undefined]);
    expect(first.messageId).to.match(/^[0-9a-f-]{36}$/);
    await element.updateComplete;
    expect(up.getAttribute('aria-pressed')).to.equal('true');
    expect(await storedFeedback(api, element)).to.include({ rating: 'up' });

    down.click();
    await waitFor(() => shadow(element).activeElement?.localName === 'textarea', 'the comment field to take focus');
    await sendKeys({ type: 'It missed the point.' });
    const disliked = nextEvent(element, 'ngx-chat-feedback');
    await waitFor(() => part(element, 'feedback-down').getAttribute('aria-pressed') === 'true', '👎 to be kept');
    const comments = nextEvent(element, 'ngx-chat-feedback');
    shadow(element).querySelector<HTMLButtonElement>('.inline-form [type="submit"]')!.click();
    expect((await disliked).rating).to.equal('down');
    expect((await comments).comment).to.equal('It missed the point.');
    await element.updateComplete;
    expect(shadow(element).querySelector('.inline-form')).to.equal(null);
    expect(await storedFeedback(api, element)).to.include({ rating: 'down', comment: 'It missed the point.' });
  });
});
