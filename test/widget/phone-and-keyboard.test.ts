import { expect } from '@esm-bundle/chai';
import { executeServerCommand, sendKeys, setViewport } from '@web/test-runner-commands';
import '../../widget/index.js';
import { BUILT_IN_STRINGS } from '../../widget/index.js';
import type { NgxChat } from '../../widget/ngx-chat.js';
import { apiInfo, apiStats, cleanup, fixture, lastReplyText, reloadFrame, replyEnded, resetApi, shadow, waitFor } from './support/helpers.js';

const en = BUILT_IN_STRINGS.en;
const LONG_TEXT = Array.from({ length: 12 }, (_, i) => `Sentence number ${i + 1} of the long reply.`).join(' ');
const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1280, height: 800 };

const part = <T extends Element = HTMLElement>(element: NgxChat, name: string) => shadow(element).querySelector<T>(`[part~="${name}"]`);

/** Collects what the element announces through its polite live region. */
function announcements(element: NgxChat): string[] {
  const said: string[] = [];
  const region = shadow(element).querySelector('[aria-live="polite"]');
  if (!region) throw new Error('no live region');
  new MutationObserver((records) => {
    for (const record of records) for (const node of record.addedNodes) said.push(node.textContent ?? '');
  }).observe(region, { childList: true });
  return said;
}

/** The element at the centre of `target`, as a tap there would hit it. */
function hitAt(element: NgxChat, target: Element): Element | null {
  const box = target.getBoundingClientRect();
  return shadow(element).elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
}

async function openLauncher(api: string): Promise<NgxChat> {
  const element = await fixture({ 'api-url': api, guest: '', mode: 'launcher' });
  element.open();
  await element.updateComplete;
  const panel = part(element, 'panel');
  await waitFor(() => panel && getComputedStyle(panel).opacity === '1', 'the panel to settle');
  return element;
}

describe('ngx-chat on phones and keyboards', () => {
  let api: string;

  before(async () => {
    ({ url: api } = await apiInfo());
  });
  beforeEach(resetApi);
  afterEach(async () => {
    cleanup();
    await setViewport(LAPTOP);
  });

  for (const size of [PHONE, LAPTOP]) {
    const phone = size === PHONE;
    describe(`at ${size.width}×${size.height}`, () => {
      beforeEach(() => setViewport(size));

      it(phone ? 'hides the launcher while the full-screen panel is open, so Send is what a tap there hits' : 'keeps the launcher beside the floating panel, clear of Send', async () => {
        const element = await openLauncher(api);
        const launcher = part(element, 'launcher')!;
        const send = part(element, 'send-button')!;
        expect(launcher.getClientRects().length > 0).to.equal(!phone);
        expect(hitAt(element, send)?.closest('[part~="send-button"]')).to.equal(send);
        element.close();
        await element.updateComplete;
        expect(launcher.getClientRects().length).to.equal(1, 'the launcher is back once the panel closes');
      });

      it('sends once on a double click of Send, and does not stop the reply', async () => {
        const element = await fixture({ 'api-url': api, guest: '' }, (el) => {
          el.metadata = { text: LONG_TEXT, delay_ms: 20 };
        });
        const input = part<HTMLTextAreaElement>(element, 'input')!;
        const width = input.getBoundingClientRect().width;
        input.value = 'Tell me a long story';
        const send = part<HTMLButtonElement>(element, 'send-button')!;
        const ended = replyEnded(element);
        send.click();
        await element.updateComplete;
        // The second click of the double click lands where Send was: still Send, now inert.
        expect(hitAt(element, send)?.closest('[part~="send-button"]')).to.equal(send);
        send.click();
        expect(input.getBoundingClientRect().width).to.equal(width, 'the text box keeps its width while the reply streams');
        expect((await ended).status).to.equal('completed');
        expect((await apiStats()).sends).to.equal(1);
      });

      it('keeps focus in the composer after Send, Stop and Jump to latest', async () => {
        const element = await fixture({ 'api-url': api, guest: '' }, (el) => {
          el.metadata = { text: LONG_TEXT, delay_ms: 25 };
        });
        const input = part<HTMLTextAreaElement>(element, 'input')!;
        input.value = 'Hello';
        part<HTMLButtonElement>(element, 'send-button')!.click();
        expect(shadow(element).activeElement).to.equal(input, 'after Send');
        await waitFor(() => lastReplyText(element).length > 20, 'the reply to begin');
        const stop = await waitFor(() => part<HTMLButtonElement>(element, 'stop-button'), 'the stop button');
        stop.focus();
        stop.click();
        await element.updateComplete;
        expect(shadow(element).activeElement).to.equal(input, 'after Stop');
      });
    });
  }

  it('contains Tab in the full-screen panel and locks the page behind it, and leaves both alone on a wide screen', async () => {
    await setViewport(PHONE);
    const element = await openLauncher(api);
    expect(document.documentElement.style.overflow).to.equal('hidden');
    expect(part(element, 'panel')?.getAttribute('aria-modal')).to.equal('true');
    for (let press = 0; press < 8; press += 1) {
      const back = press % 3 === 2;
      if (back) await sendKeys({ down: 'Shift' });
      await sendKeys({ press: 'Tab' });
      if (back) await sendKeys({ up: 'Shift' });
      const focused = shadow(element).activeElement;
      expect(focused && part(element, 'panel')?.contains(focused), `Tab ${press + 1} left the panel`).to.equal(true);
    }
    element.close();
    await element.updateComplete;
    expect(document.documentElement.style.overflow).to.equal('');

    await setViewport(LAPTOP);
    element.open();
    await element.updateComplete;
    expect(document.documentElement.style.overflow).to.equal('');
    expect(part(element, 'panel')?.hasAttribute('aria-modal')).to.equal(false);
    part<HTMLButtonElement>(element, 'send-button')!.focus();
    await sendKeys({ press: 'Tab' });
    expect(part(element, 'panel')?.contains(shadow(element).activeElement ?? null)).to.equal(false, 'Tab moves on past the floating panel');
  });

  it('announces a rate limit once and counts its wait down', async () => {
    await executeServerCommand('api-fail-next', { status: 429, code: 'rate_limited', count: 1, retryAfterS: 3 });
    const element = await fixture({ 'api-url': api, guest: '' }, (el) => {
      el.metadata = { text: 'Done waiting.' };
    });
    const said = announcements(element);
    const ended = replyEnded(element);
    element.send('Hello');
    const status = () => shadow(element).querySelector('.status')?.textContent ?? '';
    const first = await waitFor(() => /retrying in \d s/.exec(status())?.[0], 'the rate-limit notice');
    await waitFor(() => /retrying in \d s/.exec(status())?.[0] !== first && /retrying in/.test(status()), 'the countdown to tick');
    expect((await ended).text).to.equal('Done waiting.');
    expect(said.filter((text) => text.startsWith('Too many requests'))).to.have.length(1);
  });

  it('refuses a draft over the API limit before sending it, with a count, and keeps it', async () => {
    const element = await fixture({ 'api-url': api, guest: '' });
    const input = part<HTMLTextAreaElement>(element, 'input')!;
    const said = announcements(element);
    // Wait for /widget/config: the element knows the limit (2,000 in these tests) from then on.
    await waitFor(async () => {
      input.value = 'x'.repeat(1900);
      input.dispatchEvent(new Event('input'));
      await element.updateComplete;
      return part(element, 'character-count');
    }, 'the character count');
    expect(part(element, 'character-count')?.textContent).to.equal('1900 / 2000');
    input.value = '😀'.repeat(2001);
    input.dispatchEvent(new Event('input'));
    await element.updateComplete;
    expect(input.getAttribute('aria-invalid')).to.equal('true');
    part<HTMLButtonElement>(element, 'send-button')!.click();
    await element.updateComplete;
    expect(input.value).to.equal('😀'.repeat(2001));
    expect(element.messages).to.have.length(0);
    expect((await apiStats()).sends).to.equal(0);
    expect(said.at(-1)).to.equal(en.overLimit.replace('{count}', '2001').replace('{limit}', '2000'));
  });

  it('puts back a message the API refused, instead of losing it', async () => {
    await executeServerCommand('api-fail-next', { status: 413, code: 'message_too_long', count: 1 });
    const element = await fixture({ 'api-url': api, guest: '' });
    const input = part<HTMLTextAreaElement>(element, 'input')!;
    input.value = 'A message the API refuses';
    const failed = new Promise((resolve) => element.addEventListener('ngx-chat-error', (event) => event.error.fatal && resolve(event.error)));
    part<HTMLButtonElement>(element, 'send-button')!.click();
    expect(input.value).to.equal('', 'cleared on send');
    await failed;
    expect(input.value).to.equal('A message the API refuses');
  });

  it('shows an unread badge while replies arrive with the panel closed, and clears it on opening', async () => {
    const element = await fixture({ 'api-url': api, guest: '', mode: 'launcher' }, (el) => {
      el.metadata = { text: 'Here is your answer.' };
    });
    const ended = replyEnded(element);
    element.send('Hello');
    await ended;
    await element.updateComplete;
    expect(part(element, 'unread-badge')?.textContent).to.equal('1');
    expect(part(element, 'launcher')?.getAttribute('aria-label')).to.equal(`${en.openChat} (1 unread)`);
    element.open();
    await element.updateComplete;
    expect(part(element, 'unread-badge')).to.equal(null);
  });

  it('announces "Stopped" alone when the reader stops a reply mid-sentence', async () => {
    const element = await fixture({ 'api-url': api, guest: '' }, (el) => {
      el.metadata = { text: LONG_TEXT, delay_ms: 25 };
    });
    const said = announcements(element);
    const ended = replyEnded(element);
    element.send('Tell me a long story');
    await waitFor(() => lastReplyText(element).length > 60, 'the reply to begin');
    element.stop();
    await ended;
    expect(said.at(-1)).to.equal(en.stopped);
  });

  it('reopens the launcher panel after a reload in the middle of a reply', async () => {
    const { frame, load: chatIn } = reloadFrame(api, { text: LONG_TEXT, delay_ms: 25 }, 'launcher');
    const before = await chatIn();
    before.open();
    before.send('Tell me a long story');
    await waitFor(() => lastReplyText(before).length > 40, 'the reply to begin');
    frame.contentWindow?.location.reload();
    const after = await chatIn();
    await waitFor(() => after.opened, 'the panel to open again');
    await waitFor(() => lastReplyText(after) === LONG_TEXT, 'the reply to finish in the open panel');
  });
});
