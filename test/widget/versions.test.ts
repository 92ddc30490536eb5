import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import '../../widget/index.js';
import type { NgxChat } from '../../widget/ngx-chat.js';
import { apiInfo, cleanup, fixture, lastReplyText, replyEnded, resetApi, shadow, storedConversation, waitFor } from './support/helpers.js';

const inMessage = (element: NgxChat, role: 'user' | 'assistant', selector: string) =>
  [...shadow(element).querySelectorAll(`[part~="message-${role}"]`)].at(-1)?.querySelector<HTMLElement>(selector) ?? null;
const switcher = (element: NgxChat, role: 'user' | 'assistant') => inMessage(element, role, '[part="version-switcher"]');
const lastUserText = (element: NgxChat) => inMessage(element, 'user', '.text')?.textContent;


describe('ngx-chat regenerate, edit and versions', () => {
  let api: string;

  before(async () => {
    ({ url: api } = await apiInfo());
  });
  beforeEach(resetApi);
  afterEach(cleanup);

  it('regenerates the last reply, switches ‹ 1/2 › by keyboard, and edits the last message into a new version', async () => {
    const element = await fixture({ 'api-url': api, guest: '' }, (el) => {
      el.metadata = { text: 'First take.' };
    });
    let ended = replyEnded(element);
    element.send('Which kettle?');
    await ended;
    await element.updateComplete;
    // Only the last exchange can be revised, and only once its reply ended.
    expect(inMessage(element, 'assistant', '[part="regenerate-button"]')?.getAttribute('aria-label')).to.equal('Regenerate reply');
    await waitFor(() => inMessage(element, 'user', '[part="edit-button"]'), 'the edit button, once start named the message');
    expect(switcher(element, 'assistant')).to.equal(null);

    element.metadata = { text: 'Second take.' };
    ended = replyEnded(element);
    inMessage(element, 'assistant', '[part="regenerate-button"]')!.click();
    await element.updateComplete;
    expect(inMessage(element, 'assistant', '[part="regenerate-button"]'), 'no regenerate while the new version streams').to.equal(null);
    await ended;
    await element.updateComplete;
    expect(lastReplyText(element)).to.equal('Second take.');
    expect(switcher(element, 'assistant')?.getAttribute('aria-label')).to.equal('Version 2 of 2');
    expect(switcher(element, 'assistant')?.textContent?.replace(/\s+/g, '')).to.equal('‹2/2›');
    expect(shadow(element).querySelectorAll('[part~="message"]')).to.have.length(2);

    const [previous, next] = switcher(element, 'assistant')!.querySelectorAll('button');
    expect(next.disabled).to.equal(true);
    previous.focus();
    await sendKeys({ press: 'Enter' });
    await waitFor(() => lastReplyText(element) === 'First take.', 'the first version to show');
    expect(switcher(element, 'assistant')?.getAttribute('aria-label')).to.equal('Version 1 of 2');
    await waitFor(() => shadow(element).activeElement?.getAttribute('aria-label') === 'Next version', 'focus to stay on the switcher');
    expect((await storedConversation(api, element)).messages[1]).to.include({ content: 'First take.' });

    // Edit the last message: the field opens with its text; Send makes a new version answered anew.
    element.metadata = {};
    inMessage(element, 'user', '[part="edit-button"]')!.click();
    const field = await waitFor(() => (shadow(element).activeElement?.localName === 'textarea' ? (shadow(element).activeElement as HTMLTextAreaElement) : undefined), 'the edit field to take focus');
    expect(field.value).to.equal('Which kettle?');
    field.select();
    await sendKeys({ type: 'Which kettle for tea?' });
    ended = replyEnded(element);
    inMessage(element, 'user', '.inline-form [type="submit"]')!.click();
    await ended;
    await element.updateComplete;
    expect(lastUserText(element)).to.equal('Which kettle for tea?');
    expect(switcher(element, 'user')?.getAttribute('aria-label')).to.equal('Version 2 of 2');
    expect(lastReplyText(element)).to.contain('You wrote "Which kettle for tea?"');
    const view = await storedConversation(api, element);
    expect(view.messages.map((message) => [message.content.slice(0, 30), message.versions?.count ?? 1])).to.deep.equal([
      ['Which kettle for tea?', 2],
      ['You wrote "Which kettle for te', 1],
    ]);

    // Back to the first version of the message: its thread returns, at its newest reply.
    switcher(element, 'user')!.querySelector('button')!.click();
    await waitFor(() => lastUserText(element) === 'Which kettle?', 'the first version of the message');
    expect(lastReplyText(element)).to.equal('Second take.');
    expect(switcher(element, 'assistant')?.getAttribute('aria-label')).to.equal('Version 2 of 2');
  });

  it('keeps the message as it was when an edit is cancelled', async () => {
    const element = await fixture({ 'api-url': api, guest: '' }, (el) => {
      el.metadata = { text: 'Fine.' };
    });
    const ended = replyEnded(element);
    element.send('Keep me');
    await ended;
    const edit = await waitFor(() => inMessage(element, 'user', '[part="edit-button"]'), 'the edit button');
    edit.click();
    await waitFor(() => shadow(element).activeElement?.localName === 'textarea', 'the edit field');
    await sendKeys({ type: ' and change me' });
    inMessage(element, 'user', '.inline-form [type="button"]')!.click();
    await element.updateComplete;
    expect(lastUserText(element)).to.equal('Keep me');
    await waitFor(() => shadow(element).activeElement?.getAttribute('part') === 'edit-button', 'focus back on the edit button');
    expect((await storedConversation(api, element)).messages.map((message) => message.content)).to.deep.equal(['Keep me', 'Fine.']);
  });
});
