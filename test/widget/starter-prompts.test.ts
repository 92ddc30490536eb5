import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import '../../widget/index.js';
import { apiInfo, cleanup, fixture, nextEvent, replyEnded, resetApi, shadow, waitFor } from './support/helpers.js';
import type { NgxChat } from '../../widget/ngx-chat.js';

const DEMO_PROMPTS = ['Which kettles do you sell?', 'Where is order KC-20418?', 'How do I restyle the chat?'];

function prompts(element: NgxChat): HTMLButtonElement[] {
  return [...shadow(element).querySelectorAll<HTMLButtonElement>('[part="starter-prompt"]')];
}

describe('ngx-chat starter prompts', () => {
  let api: string;

  before(async () => {
    ({ url: api } = await apiInfo());
  });
  beforeEach(resetApi);
  afterEach(cleanup);

  it('shows the agent’s own prompts from /widget/config in an empty conversation, and a click sends one', async () => {
    // The widget tests' API answers with the demo agent's configuration by default.
    const element = await fixture({ 'api-url': api, guest: '' });
    await waitFor(() => prompts(element).length > 0, 'the prompts from the API');
    expect(prompts(element).map((button) => button.textContent)).to.deep.equal(DEMO_PROMPTS);
    const group = shadow(element).querySelector('.starters');
    expect(group?.getAttribute('role')).to.equal('group');
    expect(group?.getAttribute('aria-label')).to.equal('Suggestions');

    const sent = nextEvent(element, 'ngx-chat-send');
    const ended = replyEnded(element);
    prompts(element)[0].click();
    expect((await sent).text).to.equal(DEMO_PROMPTS[0]);
    await ended;
    await element.updateComplete;
    expect(element.messages[0]).to.include({ role: 'user', text: DEMO_PROMPTS[0] });
    expect(prompts(element)).to.have.length(0);
  });

  it('prefers the page’s prompts (the starter-prompts attribute), reachable by Tab and sent with Enter', async () => {
    const element = await fixture({ 'api-url': api, guest: '', 'starter-prompts': '["Track my order", "Talk to a person"]' });
    await element.updateComplete;
    expect(prompts(element).map((button) => button.textContent)).to.deep.equal(['Track my order', 'Talk to a person']);
    prompts(element)[1].focus();
    const sent = nextEvent(element, 'ngx-chat-send');
    await sendKeys({ press: 'Enter' });
    expect((await sent).text).to.equal('Talk to a person');
  });

  it('shows none with an empty array, and ignores an attribute that is not a JSON array', async () => {
    const none = await fixture({ 'api-url': api, guest: '', 'starter-prompts': '[]' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(prompts(none)).to.have.length(0);
    cleanup();
    const bad = await fixture({ 'api-url': api, guest: '', 'starter-prompts': 'not json' });
    expect(bad.starterPrompts).to.equal(undefined);
    await waitFor(() => prompts(bad).length > 0, 'the API’s prompts instead');
  });

  it('takes the property too', async () => {
    const element = await fixture({ 'api-url': api, guest: '' }, (el) => {
      el.starterPrompts = ['From the property'];
    });
    expect(prompts(element).map((button) => button.textContent)).to.deep.equal(['From the property']);
  });
});
