import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { saveScreenshot } from './support/browser.js';
import { useDemoInBrowser } from './support/demo-in-browser.js';
import { openLauncher, renderedReply, sendInWidget, waitForReply } from './support/widget-page.js';

/** The labels of the tool rows in the last reply, as a reader sees them. */
function toolRows(page: Page): Promise<string[]> {
  return page.evaluate(() => [...(document.querySelector('ngx-chat')?.shadowRoot?.querySelectorAll('[part="tool-step"] summary') ?? [])].map((row) => row.textContent?.trim() ?? ''));
}

describe('the demo shop’s catalogue, through MCP, in the widget', () => {
  // The environment npm start gives the API: the demo agent with the catalogue's MCP server.
  const demo = useDemoInBrowser();

  /** Opens the shop's chat and asks `message`; returns once the reply is complete. */
  async function ask(message: string): Promise<Page> {
    const { page, stack } = demo;
    await page.goto(`${stack.sites.allowedUrl}/`);
    await openLauncher(page);
    await sendInWidget(page, message);
    await waitForReply(page, 'completed');
    return page;
  }

  it('shows the search as a row that opens to its arguments and result, and the answer made from it', async () => {
    const page = await ask('Which kettles do you sell?');
    expect(await toolRows(page)).toEqual(['✓Searched products']);
    expect(await renderedReply(page)).toContain('Aria Kettle, walnut handle (KC-ARIA-W): $99, out of stock');

    await page.locator('ngx-chat [part="tool-step"] summary').click();
    const result = page.locator('ngx-chat [part="tool-step"] pre').nth(1);
    await expect(result.textContent()).resolves.toContain('**Aria Pour-Over Kettle** (KC-ARIA): $89, 14 in stock');
    await saveScreenshot(page, 'demo-shop-tools');
  });

  it('looks up an order on the phone layout', async () => {
    await demo.page.setViewportSize({ width: 390, height: 844 });
    const page = await ask('Where is order KC-20418?');
    expect(await toolRows(page)).toEqual(['✓Got order status']);
    expect(await renderedReply(page)).toContain('Order KC-20418 (Hand grinder, Paper filters (100)) shipped on 2026-12-01 with DPD.');
    // The row fits the bubble: nothing scrolls sideways.
    const overflow = await page.evaluate(() => {
      const log = document.querySelector('ngx-chat')?.shadowRoot?.querySelector('[part="log"]');
      return log ? log.scrollWidth - log.clientWidth : -1;
    });
    expect(overflow).toBe(0);
    await saveScreenshot(page, 'demo-shop-tools-phone');
  });
});
