import { expect } from '@esm-bundle/chai';
import '../../widget/index.js';
import { apiInfo, cleanup, fixture, replyEnded, resetApi, shadow, waitFor } from './support/helpers.js';

const REPLY = 'Here is **bold** and `code`.';

describe('ngx-chat message footers: when, and copy', () => {
  let api: string;
  const written: string[] = [];
  const realClipboard = Object.getOwnPropertyDescriptor(Navigator.prototype, 'clipboard');

  before(async () => {
    ({ url: api } = await apiInfo());
    // Headless Chromium grants no clipboard to a page that is not focused: record the writes instead.
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: async (text: string) => void written.push(text) } });
  });
  after(() => {
    delete (navigator as { clipboard?: unknown }).clipboard;
    if (realClipboard) Object.defineProperty(Navigator.prototype, 'clipboard', realClipboard);
  });
  beforeEach(resetApi);
  afterEach(cleanup);

  it('dates every message with a <time>, and copies a finished reply’s Markdown, saying so', async () => {
    const element = await fixture({ 'api-url': api, guest: '' }, (el) => {
      el.metadata = { text: REPLY };
    });
    const ended = replyEnded(element);
    element.send('Show me');
    await ended;
    await element.updateComplete;
    const root = shadow(element);
    const times = [...root.querySelectorAll('.message time')];
    expect(times).to.have.length(2);
    for (const time of times) {
      expect(Number.isNaN(Date.parse(time.getAttribute('datetime') ?? ''))).to.equal(false);
      expect(time.textContent?.trim()).to.equal('now');
      expect(time.getAttribute('title')).to.match(/\d{4}/);
    }
    expect(root.querySelectorAll('[part~="message-user"] [part="copy-message-button"]')).to.have.length(0);
    const copy = root.querySelector<HTMLButtonElement>('[part~="message-assistant"] [part="copy-message-button"]')!;
    expect(copy.getAttribute('aria-label')).to.equal('Copy reply');
    copy.click();
    await waitFor(() => copy.getAttribute('aria-label') === 'Copied', 'the button to say Copied');
    expect(written).to.deep.equal([REPLY]);
    const region = root.querySelector('[aria-live="polite"]');
    await waitFor(() => region?.textContent?.includes('Copied'), 'the live region to say Copied');
  });

  it('shows no copy button while a reply streams', async () => {
    const element = await fixture({ 'api-url': api, guest: '' }, (el) => {
      el.metadata = { text: 'A slow reply that streams word by word for a while.', delay_ms: 60 };
    });
    const ended = replyEnded(element);
    element.send('Slowly');
    await waitFor(() => shadow(element).querySelector('[part~="message-assistant"] .md')?.textContent, 'the reply to begin');
    expect(shadow(element).querySelector('[part="copy-message-button"]')).to.equal(null);
    await ended;
  });

  it('says when in the element’s language', async () => {
    const element = await fixture({ 'api-url': api, guest: '', lang: 'es' }, (el) => {
      el.metadata = { text: 'Hola.' };
    });
    const ended = replyEnded(element);
    element.send('Hola');
    await ended;
    await element.updateComplete;
    expect(shadow(element).querySelector('.message time')?.textContent?.trim()).to.equal('ahora');
  });
});
