import { expect } from '@esm-bundle/chai';
import { executeServerCommand, setViewport } from '@web/test-runner-commands';
import '../../widget/index.js';
import { BUILT_IN_STRINGS } from '../../widget/index.js';
import { apiInfo, apiStats, cleanup, fixture, lastReplyText, replyEnded, resetApi, shadow, waitFor } from './support/helpers.js';

const PARAGRAPHS = Array.from({ length: 30 }, (_, i) => `Paragraph ${i + 1} says something worth reading.`).join('\n\n');

describe('ngx-chat scrolling, controls and connectivity', () => {
  let api: string;

  before(async () => {
    ({ url: api } = await apiInfo());
  });
  beforeEach(resetApi);
  afterEach(async () => {
    cleanup();
    await setViewport({ width: 800, height: 600 });
  });

  it('follows the reply at the bottom, and offers "jump to latest" once the reader scrolls up', async () => {
    const element = await fixture({ 'api-url': api, guest: '' }, (el) => {
      el.metadata = { text: PARAGRAPHS, delay_ms: 8 };
    });
    const root = shadow(element);
    const log = root.querySelector<HTMLElement>('[part="log"]');
    if (!log) throw new Error('no log');
    const atBottom = () => log.scrollHeight - log.clientHeight - log.scrollTop < 40;
    const ended = replyEnded(element);
    element.send('Write a lot');
    await waitFor(() => log.scrollHeight > log.clientHeight * 1.5, 'the reply to overflow');
    expect(atBottom()).to.equal(true, 'following the reply');

    log.scrollTop = 0;
    const jump = await waitFor(() => root.querySelector<HTMLButtonElement>('.jump'), 'the jump button');
    expect(jump.textContent).to.equal('Jump to latest');
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(log.scrollTop).to.equal(0, 'the reader keeps their place');

    jump.click();
    await waitFor(() => atBottom() && !root.querySelector('.jump'), 'the jump to the bottom');
    await ended;
    await element.updateComplete;
    expect(atBottom()).to.equal(true, 'following again to the end');
  });

  it('clear() starts a new conversation', async () => {
    const element = await fixture({ 'api-url': api, guest: '', 'instance-id': 'clearing' }, (el) => {
      el.metadata = { text: 'Something to forget.' };
    });
    const ended = replyEnded(element);
    element.send('Remember this');
    const first = await ended;
    expect(localStorage.getItem('ngx-chat:clearing:session')).to.contain(first.conversationId);
    element.clear();
    await element.updateComplete;
    expect(element.messages).to.deep.equal([]);
    expect(element.conversationId).to.equal(undefined);
    expect(localStorage.getItem('ngx-chat:clearing:session')).to.equal(null);
    expect(shadow(element).querySelector('.empty')).to.exist;
  });

  it('fills a narrow screen in launcher mode', async () => {
    await setViewport({ width: 375, height: 640 });
    const element = await fixture({ 'api-url': api, guest: '', mode: 'launcher' });
    element.open();
    await element.updateComplete;
    const panel = shadow(element).querySelector<HTMLElement>('[part="panel"]');
    // After the opening transition (a short slide) has run.
    await waitFor(() => panel?.getBoundingClientRect().top === 0, 'the panel to settle');
    const box = panel?.getBoundingClientRect();
    expect([box?.left, box?.top, box?.width, Math.round(box?.height ?? 0)]).to.deep.equal([0, 0, 375, 640]);
    const input = shadow(element).querySelector('[part="input"]') as Element;
    expect(getComputedStyle(input).fontSize).to.equal('16px', 'iOS zooms into smaller inputs');
  });

  it('pauses retrying while offline and resumes the reply when back online', async () => {
    // DevTools offline mode would also cut the test runner's own connection, so the browser's
    // offline state is stood in for: navigator.onLine, its events, and fetch failing as it does.
    let offline = false;
    let offlineAttempts = 0;
    const realFetch = window.fetch;
    window.fetch = (input, init) => {
      if (!offline) return realFetch(input, init);
      offlineAttempts += 1;
      return Promise.reject(new TypeError('Failed to fetch'));
    };
    Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => !offline });
    try {
      const text = Array.from({ length: 8 }, (_, i) => `Line ${i + 1} of the reply.`).join(' ');
      const statuses: string[] = [];
      const element = await fixture({ 'api-url': api, guest: '' }, (el) => {
        el.metadata = { text, delay_ms: 40 };
        el.addEventListener('ngx-chat-status', (event) => statuses.push(event.status));
      });
      const ended = replyEnded(element);
      element.send('Hello');
      await waitFor(() => lastReplyText(element).length > 10, 'the reply to begin');
      offline = true;
      window.dispatchEvent(new Event('offline'));
      await executeServerCommand('api-cut-streams');
      await waitFor(() => shadow(element).querySelector('.status')?.textContent === BUILT_IN_STRINGS.en.waitingForNetwork, 'the offline notice');
      // Long enough for several retries, had the loop not paused.
      await new Promise((resolve) => setTimeout(resolve, 2500));
      expect(offlineAttempts).to.be.at.most(2, 'one failed attempt and its origin check, then a pause');
      expect(element.messages.at(-1)?.status).to.equal('streaming', 'still waiting, not given up');

      offline = false;
      window.dispatchEvent(new Event('online'));
      expect((await ended).text).to.equal(text);
      expect(lastReplyText(element)).to.equal(text);
      expect(statuses).to.include('reconnecting');
      expect((await apiStats()).resumes).to.equal(1);
    } finally {
      window.fetch = realFetch;
      delete (navigator as { onLine?: boolean }).onLine;
    }
  });
});
