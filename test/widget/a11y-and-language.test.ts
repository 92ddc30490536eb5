import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import '../../widget/index.js';
import { BUILT_IN_STRINGS } from '../../widget/index.js';
import { apiInfo, cleanup, fixture, nextEvent, replyEnded, resetApi, shadow, waitFor } from './support/helpers.js';

const SENTENCES = 'The first sentence is here. A second one follows it closely! Is this the third one? Yes, and it ends the reply.';

describe('ngx-chat accessibility and language', () => {
  let api: string;

  before(async () => {
    ({ url: api } = await apiInfo());
  });
  beforeEach(resetApi);
  afterEach(cleanup);

  it('announces the reply in sentences, never token by token, then its completion', async () => {
    const element = await fixture({ 'api-url': api, guest: '' }, (el) => {
      el.metadata = { text: SENTENCES, delay_ms: 30 };
    });
    const region = shadow(element).querySelector('[aria-live="polite"]');
    if (!region) throw new Error('no polite live region');
    const announced: string[] = [];
    const observer = new MutationObserver((records) => {
      for (const record of records) for (const node of record.addedNodes) announced.push(node.textContent ?? '');
    });
    observer.observe(region, { childList: true, subtree: true, characterData: true });
    const ended = replyEnded(element);
    element.send('Talk to me');
    await ended;
    await element.updateComplete;
    observer.disconnect();

    // The status line is announced once ("Connecting…"), then the reply.
    expect(announced.filter((text) => text === BUILT_IN_STRINGS.en.connecting)).to.have.length(1);
    announced.splice(announced.indexOf(BUILT_IN_STRINGS.en.connecting), 1);
    const pieces = SENTENCES.split(' ').length;
    expect(announced.length).to.be.greaterThan(1, 'the reply is spoken while it streams');
    expect(announced.length).to.be.lessThan(pieces / 2, `${announced.length} announcements for ${pieces} tokens`);
    for (const text of announced.slice(0, -1)) expect(text, `"${text}" is a whole sentence`).to.match(/[.!?]$/);
    expect(announced.at(-1)).to.match(/Reply complete\.$/);
    expect(announced.join(' ').replace(' Reply complete.', '')).to.equal(SENTENCES);
    // The log itself is not live, or it would read every token on top.
    const log = shadow(element).querySelector('[part="log"]');
    expect(log?.getAttribute('role')).to.equal('log');
    expect(log?.getAttribute('aria-live')).to.equal('off');
  });

  it('gives every control an accessible name', async () => {
    for (const mode of ['inline', 'launcher']) {
      const element = await fixture({ 'api-url': api, guest: '', mode });
      element.open();
      await element.updateComplete;
      const root = shadow(element);
      for (const button of root.querySelectorAll('button')) {
        expect((button.getAttribute('aria-label') ?? button.textContent ?? '').trim(), button.outerHTML).to.not.equal('');
      }
      expect(root.querySelector('[part="input"]')?.getAttribute('aria-label')).to.equal('Message');
      expect(root.querySelector('[part="log"]')?.getAttribute('aria-label')).to.equal('Conversation');
      cleanup();
    }
  });

  it('sends on Enter and adds a line on Shift+Enter', async () => {
    const element = await fixture({ 'api-url': api, guest: '' });
    shadow(element).querySelector<HTMLTextAreaElement>('[part="input"]')?.focus();
    const sent = nextEvent(element, 'ngx-chat-send');
    await sendKeys({ type: 'first line' });
    await sendKeys({ down: 'Shift' });
    await sendKeys({ press: 'Enter' });
    await sendKeys({ up: 'Shift' });
    await sendKeys({ type: 'second line' });
    await sendKeys({ press: 'Enter' });
    expect((await sent).text).to.equal('first line\nsecond line');
    expect(shadow(element).querySelector<HTMLTextAreaElement>('[part="input"]')?.value).to.equal('');
  });

  it('opens the launcher panel, closes it on Escape and returns focus to the launcher', async () => {
    const element = await fixture({ 'api-url': api, guest: '', mode: 'launcher' });
    const root = shadow(element);
    const launcher = root.querySelector<HTMLButtonElement>('[part="launcher"]');
    const panel = root.querySelector<HTMLElement>('[part="panel"]');
    expect(panel?.hidden).to.equal(true);
    expect(launcher?.getAttribute('aria-expanded')).to.equal('false');

    const opened = nextEvent(element, 'ngx-chat-open');
    launcher?.click();
    await opened;
    await element.updateComplete;
    expect(panel?.hidden).to.equal(false);
    expect(element.opened).to.equal(true);
    expect(launcher?.getAttribute('aria-expanded')).to.equal('true');
    await waitFor(() => root.activeElement === root.querySelector('[part="input"]'), 'focus in the input');

    const closed = nextEvent(element, 'ngx-chat-close');
    await sendKeys({ press: 'Escape' });
    await closed;
    await element.updateComplete;
    expect(panel?.hidden).to.equal(true);
    await waitFor(() => root.activeElement === launcher, 'focus back on the launcher');
  });

  it('speaks Spanish with lang="es" and takes overrides from `strings`', async () => {
    const element = await fixture({ 'api-url': api, guest: '', lang: 'es' }, (el) => {
      el.strings = { title: 'Soporte' };
    });
    const root = shadow(element);
    expect(root.querySelector('[part="input"]')?.getAttribute('placeholder')).to.equal('Escribe un mensaje…');
    expect(root.querySelector('[part="send-button"]')?.getAttribute('aria-label')).to.equal('Enviar');
    expect(root.querySelector('.empty slot[name="greeting"]')?.textContent?.trim()).to.equal('¡Hola! Pregúntame lo que quieras.');
    expect(root.querySelector('.title')?.textContent?.trim()).to.equal('Soporte');
    element.lang = 'en';
    await element.updateComplete;
    expect(root.querySelector('[part="send-button"]')?.getAttribute('aria-label')).to.equal('Send');
  });

  it('lays out right to left with dir="rtl"', async () => {
    const element = await fixture({ 'api-url': api, guest: '', dir: 'rtl' }, (el) => {
      el.metadata = { text: 'مرحبا بك.' };
    });
    const ended = replyEnded(element);
    element.send('שלום');
    await ended;
    await element.updateComplete;
    const root = shadow(element);
    const log = root.querySelector<HTMLElement>('[part="log"]');
    const user = root.querySelector<HTMLElement>('[part~="message-user"]');
    const assistant = root.querySelector<HTMLElement>('[part~="message-assistant"]');
    if (!log || !user || !assistant) throw new Error('messages missing');
    expect(getComputedStyle(log).direction).to.equal('rtl');
    const logBox = log.getBoundingClientRect();
    // The reader's messages sit at the end side (left in RTL), the assistant's at the start (right).
    expect(user.getBoundingClientRect().left - logBox.left).to.be.lessThan(20);
    expect(logBox.right - assistant.getBoundingClientRect().right).to.be.lessThan(20);
  });
});
