import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import '../../widget/index.js';
import type { ReplyStep } from '../../protocol/index.js';
import type { NgxChat } from '../../widget/ngx-chat.js';
import { apiInfo, cleanup, fixture, reloadFrame, replyEnded, resetApi, shadow, waitFor } from './support/helpers.js';

const HOSTILE = '<img src=x onerror="window.__stepXss=1">Trail Runner 2';

/** A search that ran, a lookup that failed, reasoning, and sources (one of them unsafe). */
const STEPS: ReplyStep[] = [
  { type: 'reasoning', content: 'The user wants shoes; search the catalogue.', seconds: 3 },
  { type: 'tool_call', tool_call_id: 'c1', name: 'search_products', title: 'Search products', arguments: { query: 'shoes' } },
  { type: 'tool_result', tool_call_id: 'c1', name: 'search_products', status: 'ok', content: HOSTILE },
  { type: 'tool_call', tool_call_id: 'c2', name: 'get_order_status', arguments: { order_id: '9' } },
  { type: 'tool_result', tool_call_id: 'c2', name: 'get_order_status', status: 'error', content: 'There is no order 9.' },
  { type: 'source', url: 'https://shop.example/shoes', title: 'Shoes' },
  { type: 'source', url: 'javascript:alert(1)', title: 'Bad' },
];

function rowsOf(element: NgxChat): HTMLDetailsElement[] {
  return [...shadow(element).querySelectorAll<HTMLDetailsElement>('[part="tool-step"]')];
}

describe('ngx-chat showing what the agent did', () => {
  let api: string;

  before(async () => {
    ({ url: api } = await apiInfo());
  });
  beforeEach(resetApi);
  afterEach(cleanup);

  it('shows each tool call as a row that says what runs, then ✓ or ✗, and opens to its arguments and result as text', async () => {
    const element = await fixture({ 'api-url': api, guest: '' }, (el) => {
      el.metadata = { steps: STEPS.slice(1, 3), step_delay_ms: 300, text: 'We have the Trail Runner 2.' };
    });
    const ended = replyEnded(element);
    element.send('Shoes?');
    await waitFor(() => rowsOf(element).length === 1, 'the tool row');
    // Running: the spinner row, no typing dots beside it.
    expect(rowsOf(element)[0].querySelector('summary')?.textContent?.trim()).to.equal('Searching products…');
    expect(shadow(element).querySelector('.typing')).to.equal(null);
    await ended;
    await element.updateComplete;
    const [row] = rowsOf(element);
    expect(row.classList.contains('done')).to.equal(true);
    expect(row.querySelector('summary')?.textContent?.trim()).to.equal('✓Searched products');
    expect(row.open).to.equal(false);
    // Keyboard: Tab to the row, Enter opens it.
    row.querySelector('summary')!.focus();
    await sendKeys({ press: 'Enter' });
    expect(row.open).to.equal(true);
    const [args, result] = [...row.querySelectorAll('pre')].map((pre) => pre.textContent);
    expect(JSON.parse(args ?? '')).to.deep.equal({ query: 'shoes' });
    expect(result).to.equal(HOSTILE);
    expect(row.querySelector('img')).to.equal(null);
    expect((window as { __stepXss?: number }).__stepXss).to.equal(undefined);
  });

  it('marks a failed tool ✗, folds reasoning under "Thought for N s", and links only safe sources under the reply', async () => {
    const element = await fixture({ 'api-url': api, guest: '' }, (el) => {
      el.metadata = { steps: STEPS, text: 'Here is what I found.' };
    });
    const ended = replyEnded(element);
    element.send('Shoes and order 9?');
    await ended;
    await element.updateComplete;
    const root = shadow(element);
    const failed = rowsOf(element)[1];
    expect(failed.classList.contains('failed')).to.equal(true);
    expect(failed.querySelector('summary')?.textContent?.trim()).to.equal('✗Get order status failed');
    const reasoning = root.querySelector<HTMLDetailsElement>('[part="reasoning"]');
    expect(reasoning?.open).to.equal(false);
    expect(reasoning?.querySelector('summary')?.textContent?.trim()).to.equal('Thought for 3 s');
    const links = [...root.querySelectorAll<HTMLAnchorElement>('[part="sources"] a')];
    expect(links.map((link) => [link.textContent, link.href, link.rel])).to.deep.equal([['Shoes', 'https://shop.example/shoes', 'noopener noreferrer nofollow']]);
    // The steps come before the text, the sources after it.
    const message = root.querySelector('.message.assistant')!;
    const order = [...message.children].map((child) => child.className.split(' ')[0] || child.getAttribute('part'));
    expect(order.indexOf('steps')).to.be.lessThan(order.indexOf('md'));
    expect(order.indexOf('md')).to.be.lessThan(order.indexOf('sources'));
  });

  it('announces a tool call once by its name, never its JSON', async () => {
    const element = await fixture({ 'api-url': api, guest: '' }, (el) => {
      el.metadata = { steps: STEPS.slice(1, 3), step_delay_ms: 50, text: 'Done.' };
    });
    const region = shadow(element).querySelector('[aria-live="polite"]')!;
    const announced: string[] = [];
    const observer = new MutationObserver((records) => {
      for (const record of records) for (const node of record.addedNodes) announced.push(node.textContent ?? '');
    });
    observer.observe(region, { childList: true, subtree: true, characterData: true });
    const ended = replyEnded(element);
    element.send('Shoes?');
    await ended;
    observer.disconnect();
    expect(announced.filter((text) => text.includes('Searching products'))).to.have.length(1);
    expect(announced.join(' ')).to.not.match(/query|Trail Runner|[{}]/);
  });

  it('restores the steps after a reload', async () => {
    const { frame, load: chatIn } = reloadFrame(api, { steps: STEPS, text: 'Here is what I found.' });
    const before = await chatIn();
    const ended = replyEnded(before);
    before.send('Shoes?');
    await ended;
    frame.contentWindow?.location.reload();
    const after = await chatIn();
    await waitFor(() => after.messages.length === 2, 'the conversation to be restored');
    await after.updateComplete;
    const rows = [...shadow(after).querySelectorAll('[part="tool-step"] summary')].map((summary) => summary.textContent?.trim());
    expect(rows).to.deep.equal(['✓Searched products', '✗Get order status failed']);
    expect(shadow(after).querySelector('[part="reasoning"] summary')?.textContent?.trim()).to.equal('Thought for 3 s');
    expect(shadow(after).querySelectorAll('[part="sources"] a')).to.have.length(1);
  });
});
