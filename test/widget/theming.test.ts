import { expect } from '@esm-bundle/chai';
import { emulateMedia, executeServerCommand, setViewport } from '@web/test-runner-commands';
import '../../widget/index.js';
import type { NgxChat } from '../../widget/ngx-chat.js';
import { apiInfo, cleanup, fixture, replyEnded, resetApi, shadow } from './support/helpers.js';

/** Pairs of private colour variables (foreground, background) that carry text. */
const TEXT_PAIRS = [
  ['--_text', '--_bg'],
  ['--_muted', '--_bg'],
  ['--_muted', '--_assistant-bg'],
  ['--_user-text', '--_user-bg'],
  ['--_assistant-text', '--_assistant-bg'],
  ['--_link', '--_assistant-bg'],
  ['--_error', '--_assistant-bg'],
  ['--_on-accent', '--_accent'],
  ['--_assistant-text', '--_code-bg'],
] as const;

const SCREENSHOT_REPLY = [
  'Happy to help! Here is what `<ngx-chat>` gives you:',
  '',
  '- Replies **stream** and resume after a dropped connection.',
  '- Markdown is rendered *safely*, in a shadow root.',
  '',
  '```html',
  '<ngx-chat api-url="https://api.example.com" guest></ngx-chat>',
  '```',
].join('\n');

/** The colour `value` resolves to, as [r, g, b] in 0–255. */
function rgbOf(value: string): number[] {
  const probe = document.createElement('span');
  probe.style.color = value;
  document.body.append(probe);
  const channels = getComputedStyle(probe).color.match(/[\d.]+/g)?.slice(0, 3).map(Number) ?? [];
  probe.remove();
  return channels;
}

/** WCAG 2 contrast ratio of two colours. */
function contrast(a: number[], b: number[]): number {
  const luminance = (rgb: number[]) => {
    const [r, g, bl] = rgb.map((channel) => {
      const c = channel / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

describe('ngx-chat theming', () => {
  let api: string;

  before(async () => {
    ({ url: api } = await apiInfo());
  });
  beforeEach(resetApi);
  afterEach(async () => {
    cleanup();
    document.querySelector('#part-style')?.remove();
    await emulateMedia({ colorScheme: 'light' });
  });

  it('takes colours from --ngx-chat-* custom properties', async () => {
    const element = await fixture({ 'api-url': api, guest: '', theme: 'light' }, (el) => {
      el.metadata = { text: 'Themed.' };
      el.style.setProperty('--ngx-chat-user-background', 'rgb(1, 2, 3)');
      el.style.setProperty('--ngx-chat-radius', '3px');
    });
    const ended = replyEnded(element);
    element.send('Paint me');
    await ended;
    await element.updateComplete;
    const user = shadow(element).querySelector('[part~="message-user"]');
    if (!user) throw new Error('no user message');
    expect(getComputedStyle(user).backgroundColor).to.equal('rgb(1, 2, 3)');
    expect(getComputedStyle(shadow(element).querySelector('[part="panel"]') as Element).borderTopLeftRadius).to.equal('3px');
  });

  it('lets the page style its parts with ::part()', async () => {
    const style = document.createElement('style');
    style.id = 'part-style';
    style.textContent = 'ngx-chat.branded::part(send-button) { background-color: rgb(4, 5, 6); } ngx-chat.branded::part(header) { font-weight: 300; }';
    document.head.append(style);
    const element = await fixture({ 'api-url': api, guest: '', class: 'branded' });
    const root = shadow(element);
    expect(getComputedStyle(root.querySelector('[part="send-button"]') as Element).backgroundColor).to.equal('rgb(4, 5, 6)');
    expect(getComputedStyle(root.querySelector('[part="header"]') as Element).fontWeight).to.equal('300');
  });

  it('puts a logo in the header before the title, kept within 28 px', async () => {
    const element = await fixture({ 'api-url': api, guest: '' }, (el) => {
      const logo = document.createElement('img');
      logo.slot = 'logo';
      logo.alt = 'Kettle & Crema';
      logo.width = 200;
      logo.height = 200;
      logo.src = `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" width="200" height="200"><rect width="200" height="200" fill="tomato"/></svg>')}`;
      el.append(logo);
    });
    const logo = element.querySelector('img')!;
    const slot = shadow(element).querySelector<HTMLSlotElement>('slot[name="logo"]')!;
    expect(slot.assignedElements()).to.deep.equal([logo]);
    const header = shadow(element).querySelector('[part="header"]')!;
    expect(header.firstElementChild?.contains(slot)).to.equal(true);
    const box = logo.getBoundingClientRect();
    expect(box.height).to.be.at.most(28);
    expect(box.width).to.be.at.most(28);
  });

  it('keeps the page CSS out of the widget', async () => {
    const style = document.createElement('style');
    style.id = 'part-style';
    style.textContent = 'button, textarea, div { background: rgb(255, 0, 0) !important; color: rgb(255, 0, 0) !important; }';
    document.head.append(style);
    const element = await fixture({ 'api-url': api, guest: '', theme: 'light' });
    expect(getComputedStyle(shadow(element).querySelector('[part="send-button"]') as Element).backgroundColor).to.equal('rgb(10, 87, 208)');
  });

  it('follows the system colour scheme with theme="auto"', async () => {
    const element = await fixture({ 'api-url': api, guest: '' });
    expect(element.theme).to.equal('auto');
    const panel = shadow(element).querySelector('[part="panel"]') as Element;
    expect(getComputedStyle(panel).backgroundColor).to.equal('rgb(255, 255, 255)');
    await emulateMedia({ colorScheme: 'dark' });
    expect(getComputedStyle(panel).backgroundColor).to.equal('rgb(22, 24, 29)');
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`meets WCAG AA contrast for text in the ${theme} theme`, async () => {
      const element = await fixture({ 'api-url': api, guest: '', theme });
      const styles = getComputedStyle(shadow(element).querySelector('[part="panel"]') as Element);
      for (const [foreground, background] of TEXT_PAIRS) {
        const ratio = contrast(rgbOf(styles.getPropertyValue(foreground)), rgbOf(styles.getPropertyValue(background)));
        expect(ratio, `${foreground} on ${background}`).to.be.at.least(4.5);
      }
    });
  }

  it('takes the README screenshots of both themes', async () => {
    await setViewport({ width: 900, height: 700 });
    for (const theme of ['light', 'dark'] as const) {
      const element = await fixture({ 'api-url': api, guest: '', theme }, (el) => {
        el.metadata = { text: SCREENSHOT_REPLY };
      });
      const ended = replyEnded(element);
      element.send('What does the widget do?');
      await ended;
      await element.updateComplete;
      await screenshot(element, `docs/images/ngx-chat-${theme}.png`);
      cleanup();
    }
  });
});

async function screenshot(element: NgxChat, path: string): Promise<void> {
  const box = element.getBoundingClientRect();
  const result = await executeServerCommand('screenshot', { path, clip: { x: box.x, y: box.y, width: box.width, height: box.height } });
  expect(result).to.equal(true);
}
