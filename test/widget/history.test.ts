import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import '../../widget/index.js';
import type { NgxChat } from '../../widget/ngx-chat.js';
import { apiInfo, cleanup, fixture, nextEvent, replyEnded, resetApi, shadow, waitFor } from './support/helpers.js';

const button = (element: NgxChat, part: string) => shadow(element).querySelector<HTMLButtonElement>(`[part="${part}"]`)!;
const items = (element: NgxChat) => [...shadow(element).querySelectorAll<HTMLElement>('[part="conversation-item"]')];
const titles = (element: NgxChat) => items(element).map((item) => item.querySelector('.conversation-title')?.textContent);

async function chat(element: NgxChat, text: string): Promise<void> {
  const ended = replyEnded(element);
  element.send(text);
  await ended;
  await element.updateComplete;
}

async function openHistory(element: NgxChat, count: number): Promise<void> {
  button(element, 'history-button').click();
  try {
    await waitFor(() => items(element).length === count, `${count} conversations listed`);
  } catch (err) {
    throw new Error(`${(err as Error).message}; shown: ${shadow(element).querySelector('.body')?.innerHTML.slice(0, 600)}`);
  }
}

describe('ngx-chat conversations: new, history, switch, rename, delete', () => {
  let api: string;

  before(async () => {
    ({ url: api } = await apiInfo());
  });
  beforeEach(resetApi);
  afterEach(cleanup);

  it('starts a second conversation and switches back to the first from the history panel', async () => {
    const element = await fixture({ 'api-url': api, guest: '' }, (el) => {
      el.metadata = { text: 'Noted.' };
    });
    await chat(element, 'First topic');
    const first = element.conversationId;

    const fresh = nextEvent(element, 'ngx-chat-conversation-change');
    button(element, 'new-conversation-button').click();
    expect((await fresh).conversationId).to.equal(undefined);
    await element.updateComplete;
    expect(element.messages).to.have.length(0);
    await chat(element, 'Second topic');
    expect(element.conversationId).to.not.equal(first);

    await openHistory(element, 2);
    const history = button(element, 'history-button');
    expect(history.getAttribute('aria-expanded')).to.equal('true');
    expect(shadow(element).querySelector('[part="conversation-list"]')?.getAttribute('aria-label')).to.equal('Conversations');
    expect(titles(element)).to.deep.equal(['Second topic', 'First topic']);
    expect(items(element)[0].querySelector('.pick')?.getAttribute('aria-current')).to.equal('true');
    const log = shadow(element).querySelector<HTMLElement>('[part="log"]')!;
    expect(log.hidden).to.equal(true);
    expect(getComputedStyle(log).display).to.equal('none');

    const switched = nextEvent(element, 'ngx-chat-conversation-change');
    items(element)[1].querySelector<HTMLButtonElement>('.pick')!.click();
    expect((await switched).conversationId).to.equal(first);
    await waitFor(() => element.messages.length === 2 && element.messages[0].text === 'First topic', 'the first conversation');
    expect(element.conversationId).to.equal(first);
    expect(shadow(element).querySelector('[part="conversation-list"]')).to.equal(null);
    // It goes on from there.
    await chat(element, 'Back again');
    expect(element.messages.map((message) => message.text)).to.deep.equal(['First topic', 'Noted.', 'Back again', 'Noted.']);
  });

  it('renames a conversation by keyboard, and the API keeps the new title', async () => {
    const element = await fixture({ 'api-url': api, guest: '' }, (el) => {
      el.metadata = { text: 'Noted.' };
    });
    await chat(element, 'Untitled thoughts');
    await openHistory(element, 1);
    items(element)[0].querySelectorAll('button')[1].click();
    await waitFor(() => shadow(element).activeElement?.classList.contains('rename'), 'the title field to take focus');
    await sendKeys({ type: 'Grinder settings' });
    await sendKeys({ press: 'Enter' });
    await element.updateComplete;
    expect(titles(element)).to.deep.equal(['Grinder settings']);
    // Closed and opened again: the list comes from the API.
    button(element, 'history-button').click();
    await element.updateComplete;
    await openHistory(element, 1);
    await waitFor(() => titles(element)[0] === 'Grinder settings', 'the renamed title from the API');
  });

  it('deletes a conversation on a second press, clearing it if it was open; Escape closes the panel', async () => {
    const element = await fixture({ 'api-url': api, guest: '' }, (el) => {
      el.metadata = { text: 'Noted.' };
    });
    await chat(element, 'Delete me');
    await openHistory(element, 1);
    const remove = items(element)[0].querySelectorAll('button')[2];
    expect(remove.getAttribute('aria-label')).to.equal('Delete: Delete me');
    remove.click();
    await element.updateComplete;
    expect(items(element)).to.have.length(1);
    expect(remove.getAttribute('aria-label')).to.equal('Press again to delete: Delete me');
    const cleared = nextEvent(element, 'ngx-chat-conversation-change');
    remove.click();
    expect((await cleared).conversationId).to.equal(undefined);
    await element.updateComplete;
    expect(items(element)).to.have.length(0);
    expect(element.messages).to.have.length(0);
    expect(shadow(element).querySelector('.history-note')?.textContent).to.equal('No conversations yet.');

    shadow(element).querySelector<HTMLElement>('[part="conversation-list"]')!.focus();
    button(element, 'history-button').focus();
    await sendKeys({ press: 'Escape' });
    await element.updateComplete;
    expect(shadow(element).querySelector('[part="conversation-list"]')).to.equal(null);
    expect(shadow(element).activeElement?.getAttribute('part')).to.equal('history-button');
  });
});
