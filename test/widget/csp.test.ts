import { expect } from '@esm-bundle/chai';
import type { NgxChat } from '../../widget/ngx-chat.js';
import { apiInfo, cleanup, lastReplyText, replyEnded, resetApi, shadow, waitFor } from './support/helpers.js';

describe('ngx-chat under a strict CSP', () => {
  let api: string;

  before(async () => {
    ({ url: api } = await apiInfo());
  });
  beforeEach(resetApi);
  afterEach(cleanup);

  it("streams and renders with default-src 'self'; script-src 'self'; style-src 'self'", async () => {
    const frame = document.createElement('iframe');
    frame.className = 'fixture-box';
    frame.src = `/test/widget/fixtures/csp.html?api=${encodeURIComponent(api)}`;
    document.body.append(frame);
    await new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
    const frameWindow = frame.contentWindow as (Window & { cspViolations?: string[] }) | null;
    const element = await waitFor(() => frame.contentDocument?.querySelector('ngx-chat') as NgxChat | null, 'the widget');
    await waitFor(() => frameWindow?.customElements.get('ngx-chat'), 'the bundle to define ngx-chat');
    element.metadata = { text: 'Safe under **CSP**. With a [link](https://example.com).', delay_ms: 2 };
    await element.updateComplete;

    const ended = replyEnded(element);
    element.send('Hello');
    expect((await ended).text).to.equal('Safe under **CSP**. With a [link](https://example.com).');
    expect(lastReplyText(element)).to.equal('Safe under CSP. With a link.');
    // Styles applied (adopted style sheets are not blocked by style-src 'self').
    const panel = shadow(element).querySelector('[part="panel"]') as Element;
    expect(frameWindow?.getComputedStyle(panel).borderTopLeftRadius).to.equal('12px');
    expect(frameWindow?.cspViolations).to.deep.equal([]);

    // Controls: the page really is under that policy, and a violation would have been seen.
    const policy = (await fetch(frame.src)).headers.get('content-security-policy');
    expect(policy).to.equal(`default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self' ${api}`);
    frame.contentDocument?.body.insertAdjacentHTML('beforeend', '<div style="color: red">inline style</div>');
    await waitFor(() => frameWindow?.cspViolations?.length, 'the control violation');
    expect(frameWindow?.cspViolations?.[0]).to.match(/^style-src/);
    frame.remove();
  });
});
