import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoReply } from '../../server/agents/demo-agent.js';
import { VIEWPORT, launchChromium, saveScreenshot } from './support/browser.js';
import { startDemoStack, type DemoStack } from './support/demo-stack.js';
import { WAIT_MS, occurrences, renderedLines, renderedReply, sendInWidget, waitForReply } from './support/widget-page.js';

declare global {
  interface Window {
    /** What {@link recordViolations} saw. */
    cspViolations?: string[];
  }
}

/** Collects `securitypolicyviolation` events from the first script the page runs (init scripts are exempt from the policy). */
function recordViolations(): void {
  const violations: string[] = [];
  window.cspViolations = violations;
  document.addEventListener('securitypolicyviolation', (event) => violations.push(`${event.violatedDirective} ${event.blockedURI}`));
}

describe('the strict-CSP demo page', () => {
  let stack: DemoStack;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    stack = await startDemoStack({ DEMO_TOKEN_DELAY_MS: '5' });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: VIEWPORT });
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('chats under the policy with no violation reported', async () => {
    await page.addInitScript(recordViolations);
    const cspConsole: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspConsole.push(message.text());
    });
    const response = await page.goto(`${stack.sites.allowedUrl}/csp.html`);
    const api = new URL(stack.apiUrl).origin;
    expect(response?.headers()['content-security-policy']).toBe(`default-src 'self'; script-src 'self' ${api}; style-src 'self'; connect-src ${api}`);

    const chat = '#order-help-chat';
    const message = 'How do I restyle the chat?';
    await sendInWidget(page, message, chat);
    expect((await waitForReply(page, 'completed', chat)).text).toBe(demoReply(message));
    const rendered = await renderedReply(page, chat);
    for (const line of renderedLines(demoReply(message))) expect(occurrences(rendered, line), line).toBe(1);
    // Styled (adopted style sheets are outside style-src), not bare.
    const radius = await page.evaluate((sel) => {
      const panel = document.querySelector(sel)?.shadowRoot?.querySelector('[part~="panel"]');
      return panel ? getComputedStyle(panel).borderTopLeftRadius : '';
    }, chat);
    expect(radius).toBe('12px');
    // The reply's code block, highlighted by the chunk imported from the API (script-src allows it).
    await page.waitForFunction((sel) => document.querySelector(sel)?.shadowRoot?.querySelector('pre code.hljs .hljs-keyword'), chat, { timeout: WAIT_MS });
    // A reply with formulas: typeset by the API, inserted as MathML by the chunk imported from it.
    await sendInWidget(page, 'Show me a formula', chat);
    await page.waitForFunction((sel) => (document.querySelector(sel)?.shadowRoot?.querySelectorAll('.md math').length ?? 0) >= 3, chat, { timeout: WAIT_MS });
    await page.waitForFunction((sel) => document.querySelector(sel)?.shadowRoot?.querySelectorAll('pre code.hljs').length === 2, chat, { timeout: WAIT_MS });
    expect(await page.evaluate(() => window.cspViolations)).toEqual([]);
    expect(cspConsole).toEqual([]);
    await saveScreenshot(page, 'demo-csp');

    // Control: the policy is enforced and a violation would have been seen.
    await page.evaluate(() => document.body.insertAdjacentHTML('beforeend', '<div style="color: red">inline style</div>'));
    await page.waitForFunction(() => window.cspViolations?.length, undefined, { timeout: 10_000 });
    expect(await page.evaluate(() => window.cspViolations?.[0])).toMatch(/^style-src/);
  });
});
