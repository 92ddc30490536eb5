import { expect } from '@esm-bundle/chai';
import '../../widget/index.js';
import type { NgxChat } from '../../widget/ngx-chat.js';
import { apiInfo, assistantMessages, cleanup, fixture, replyEnded, resetApi, shadow } from './support/helpers.js';

declare global {
  // Set by a payload if it ever runs.
  var xssRan: string | undefined;
}

/** Model output trying every trick the issue lists: scripts, handlers, javascript:/data: URLs, iframes, styles, SVG, mXSS. */
const PAYLOADS = [
  `<script>window.xssRan = 'script'</script>`,
  `<img src=x onerror="window.xssRan='img'">`,
  `<svg onload="window.xssRan='svg'"><circle r="10"/></svg>`,
  `<svg><animate onbegin="window.xssRan='animate'" attributeName="x" dur="1s"/></svg>`,
  `<iframe src="javascript:parent.xssRan='iframe'"></iframe>`,
  `<iframe srcdoc="<script>parent.xssRan='srcdoc'</script>"></iframe>`,
  `<style>*{display:none!important}</style>`,
  `<details open ontoggle="window.xssRan='details'">x</details>`,
  `<math><mtext><table><mglyph><style><img src=x onerror="window.xssRan='mxss'">`,
  `<a href="javascript:window.xssRan='raw-a'">raw link</a>`,
  `[js link](javascript:window.xssRan='link')`,
  `[spaced js](  javascript:window.xssRan='spaced')`,
  `[data link](data:text/html,<script>parent.xssRan='data'</script>)`,
  `[vb](vbscript:msgbox(1))`,
  `![pixel](javascript:window.xssRan='image')`,
  `![tracker](https://tracker.example/pixel.png)`,
  '`<b onmouseover="window.xssRan=1">code</b>`',
  '```html\n<script>window.xssRan="fence"</script>\n```',
  `[fine](https://example.com/safe) and <mailto:help@example.com>`,
].join('\n\n');

const FORBIDDEN = 'script, iframe, style, svg, math, img, object, embed, form, details, link, meta, base, frame, frameset, video, audio, source';
/** Every element and attribute a rendered reply may hold: what the renderer creates, nothing else. */
const ALLOWED_TAGS = new Set(['div', 'p', 'br', 'hr', 'h3', 'h4', 'h5', 'h6', 'em', 'strong', 's', 'code', 'pre', 'a', 'ul', 'ol', 'li', 'input', 'blockquote', 'span', 'button', 'table', 'thead', 'tbody', 'tr', 'th', 'td']);
const ALLOWED_ATTRIBUTES = new Set(['class', 'href', 'target', 'rel', 'type', 'disabled', 'checked', 'start', 'aria-label', 'aria-hidden', 'tabindex', 'style']);

describe('ngx-chat Markdown', () => {
  let api: string;

  before(async () => {
    ({ url: api } = await apiInfo());
  });
  beforeEach(resetApi);
  afterEach(cleanup);

  it('renders XSS payloads from the model inert', async () => {
    window.xssRan = undefined;
    const element = await fixture({ 'api-url': api, guest: '' }, (el) => {
      el.metadata = { text: PAYLOADS, delay_ms: 1 };
    });
    const ended = replyEnded(element);
    element.send('Show me your worst');
    await ended;
    // Give anything that could fire (load, error, animation, toggle) the time to do so.
    await new Promise((resolve) => setTimeout(resolve, 1500));

    expect(window.xssRan).to.equal(undefined, 'a payload ran');
    const reply = assistantMessages(element)[0].querySelector('.md');
    if (!reply) throw new Error('no rendered reply');
    expect(reply.querySelectorAll(FORBIDDEN)).to.have.length(0);
    for (const node of reply.querySelectorAll('*')) {
      expect(ALLOWED_TAGS.has(node.localName), `<${node.localName}>`).to.equal(true);
      for (const attribute of node.getAttributeNames()) expect(ALLOWED_ATTRIBUTES.has(attribute), `<${node.localName} ${attribute}>`).to.equal(true);
    }
    for (const node of shadow(element).querySelectorAll('*')) {
      for (const attribute of node.getAttributeNames()) {
        expect(attribute.startsWith('on'), `<${node.localName} ${attribute}>`).to.equal(false);
        expect(/^\s*(javascript|data|vbscript):/i.test(node.getAttribute(attribute) ?? ''), `<${node.localName} ${attribute}>`).to.equal(false);
      }
    }
    const links = [...reply.querySelectorAll('a[href]')] as HTMLAnchorElement[];
    expect(links.map((link) => link.getAttribute('href'))).to.deep.equal(['https://example.com/safe', 'mailto:help@example.com']);
    for (const link of links) {
      expect(link.target).to.equal('_blank');
      expect(link.rel).to.equal('noopener noreferrer');
    }
    // The markup is shown as the text it is.
    expect(reply.textContent).to.contain(`<script>window.xssRan = 'script'</script>`);
    expect(reply.querySelector('pre code')?.textContent).to.contain('<script>window.xssRan="fence"</script>');
  });

  it('renders lists, emphasis and a code block with a copy button', async () => {
    const text = 'Steps:\n\n1. First *step*\n2. Second **step**\n\n- a bullet\n\n```js\nconst answer = 42;\n```\n\nDone.';
    const element = await fixture({ 'api-url': api, guest: '' }, (el) => {
      el.metadata = { text };
    });
    const ended = replyEnded(element);
    element.send('Format something');
    await ended;
    const reply = assistantMessages(element)[0].querySelector('.md');
    expect(reply?.querySelectorAll('ol > li')).to.have.length(2);
    expect(reply?.querySelector('ol em')?.textContent).to.equal('step');
    expect(reply?.querySelector('ol strong')?.textContent).to.equal('step');
    expect(reply?.querySelector('ul > li')?.textContent).to.equal('a bullet');
    expect(reply?.querySelector('pre code')?.textContent?.trim()).to.equal('const answer = 42;');
    const copy = reply?.querySelector<HTMLButtonElement>('.code-block button.copy');
    expect(copy?.textContent).to.equal('Copy code');
    expect(copy?.type).to.equal('button');
  });

  /** Renders `text` as a reply in a fixture of `width` px and returns its `.md` element. */
  async function rendered(text: string, width = 400): Promise<{ element: NgxChat; reply: HTMLElement }> {
    const element = await fixture({ 'api-url': api, guest: '' }, (el) => {
      el.metadata = { text };
    });
    element.parentElement!.style.width = `${width}px`;
    const ended = replyEnded(element);
    element.send('Show me');
    await ended;
    await element.updateComplete;
    const reply = assistantMessages(element)[0].querySelector<HTMLElement>('.md');
    if (!reply) throw new Error('no rendered reply');
    return { element, reply };
  }

  it('makes a code block a named region the keyboard can scroll, inside the widget\'s width', async () => {
    const longLine = `const x = ${'"a very long string", '.repeat(20)};`;
    const { element, reply } = await rendered(`Here:\n\n\`\`\`js\n${longLine}\n\`\`\`\n`, 390);
    const pre = reply.querySelector('pre')!;
    expect(pre.tabIndex).to.equal(0);
    expect(pre.getAttribute('aria-label')).to.equal('Code (js)');
    expect(pre.scrollWidth).to.be.greaterThan(pre.clientWidth, 'the long line scrolls');
    expect(element.getBoundingClientRect().width).to.equal(390, 'the widget keeps its container\'s width');
  });

  it('reads Markdown as CommonMark does: intraword underscores, autolinks, table alignment, task lists', async () => {
    const text = [
      'Use snake_case_names and a_b_c, not _emphasis_.',
      '',
      'Write to <user@example.com> or <https://example.com/a_b>.',
      '',
      '| left | centre | right |',
      '| :--- | :----: | ----: |',
      '| 1 | 2 | 3 |',
      '',
      '- [x] done',
      '- [ ] open',
    ].join('\n');
    const { reply } = await rendered(text);
    expect(reply.querySelector('p')?.textContent).to.equal('Use snake_case_names and a_b_c, not emphasis.');
    expect([...reply.querySelectorAll('p em')].map((em) => em.textContent)).to.deep.equal(['emphasis']);
    const links = [...reply.querySelectorAll<HTMLAnchorElement>('a[href]')];
    expect(links.map((link) => [link.textContent, link.getAttribute('href')])).to.deep.equal([
      ['user@example.com', 'mailto:user@example.com'],
      ['https://example.com/a_b', 'https://example.com/a_b'],
    ]);
    const align = (selector: string) => [...reply.querySelectorAll(selector)].map((cell) => getComputedStyle(cell).textAlign);
    expect(align('th')).to.deep.equal(['start', 'center', 'end']);
    expect(align('td')).to.deep.equal(['start', 'center', 'end']);
    const boxes = [...reply.querySelectorAll<HTMLInputElement>('input[type="checkbox"]')];
    expect(boxes.map((box) => [box.checked, box.getAttribute('aria-label')])).to.deep.equal([
      [true, 'Done'],
      [false, 'Not done'],
    ]);
  });

  it('sizes headings down to the body text, never below it, and shows a refused link as plain text', async () => {
    const { reply } = await rendered('# One\n\n## Two\n\n### Three\n\n##### Five\n\nBody and [bad](javascript:alert(1)) link.');
    const size = (selector: string) => parseFloat(getComputedStyle(reply.querySelector(selector)!).fontSize);
    const body = size('p');
    expect(size('h3')).to.be.greaterThan(size('h4'));
    expect(size('h4')).to.be.greaterThan(size('h5'));
    expect(size('h6')).to.be.at.least(body);
    const bad = reply.querySelector('a:not([href])')!;
    expect(getComputedStyle(bad).color).to.equal(getComputedStyle(reply.querySelector('p')!).color);
    expect(getComputedStyle(bad).textDecorationLine).to.equal('none');
  });

  it('lays out each message and the text box by their own text\'s direction', async () => {
    const { element } = await rendered('مرحبا بك');
    for (const text of shadow(element).querySelectorAll('[part~="message"] .text, [part~="message"] .md')) expect(text.getAttribute('dir')).to.equal('auto');
    expect(shadow(element).querySelector('[part="input"]')?.getAttribute('dir')).to.equal('auto');
    expect(getComputedStyle(assistantMessages(element)[0].querySelector('.md')!).direction).to.equal('rtl');
  });
});
