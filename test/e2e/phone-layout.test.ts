import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/browser.js';
import { startDemoStack, type DemoStack } from './support/demo-stack.js';
import { openLauncher } from './support/widget-page.js';

/** A phone: 390 × 844 CSS pixels, touch, and the mobile layout viewport (980 px without a viewport meta). */
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 3 };

type Box = { left: number; top: number; right: number; bottom: number };

/** The box of a part of the widget, and the visual viewport's, both in the layout viewport's coordinates. */
function boxes(page: Page, part: string): Promise<{ part: Box | null; screen: Box }> {
  return page.evaluate((name) => {
    const element = document.querySelector('ngx-chat')?.shadowRoot?.querySelector(`[part~="${name}"]`);
    const rect = element && element.getClientRects().length > 0 ? element.getBoundingClientRect() : null;
    const viewport = window.visualViewport!;
    return {
      part: rect && { left: rect.left, top: rect.top, right: rect.right, bottom: rect.bottom },
      screen: { left: viewport.offsetLeft, top: viewport.offsetTop, right: viewport.offsetLeft + viewport.width, bottom: viewport.offsetTop + viewport.height },
    };
  }, part);
}

function expectOnScreen({ part, screen }: { part: Box | null; screen: Box }, what: string): void {
  expect(part, `${what} is shown`).not.toBeNull();
  expect(part!.left, `${what} left`).toBeGreaterThanOrEqual(screen.left - 0.5);
  expect(part!.right, `${what} right`).toBeLessThanOrEqual(screen.right + 0.5);
  expect(part!.top, `${what} top`).toBeGreaterThanOrEqual(screen.top - 0.5);
  expect(part!.bottom, `${what} bottom`).toBeLessThanOrEqual(screen.bottom + 0.5);
}

describe('the launcher on a phone', () => {
  let stack: DemoStack;
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    stack = await startDemoStack({ DEMO_TOKEN_DELAY_MS: '0' });
    browser = await launchChromium();
    context = await browser.newContext(PHONE);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it.each([
    ['the shop, with a mobile viewport meta', () => `${stack.sites.allowedUrl}/`],
    ['the bookshop, without one (its page is wider than the screen)', () => `${stack.sites.refusedUrl}/`],
  ])('on %s: the launcher and the full-screen panel fit the screen, and Send is not covered', async (_name, url) => {
    const page = await context.newPage();
    await page.goto(url());
    expectOnScreen(await boxes(page, 'launcher'), 'the launcher');
    await openLauncher(page);
    await page.waitForFunction(() => getComputedStyle(document.querySelector('ngx-chat')!.shadowRoot!.querySelector('[part="panel"]')!).opacity === '1');
    expectOnScreen(await boxes(page, 'panel'), 'the panel');
    expectOnScreen(await boxes(page, 'send-button'), 'Send');
    expect((await boxes(page, 'launcher')).part, 'the launcher, hidden behind the full-screen panel').toBeNull();
    await page.close();
  });

  it.each(['/', '/theming.html', '/csp.html', '/react/', '/stream_client.html'])('lays out %s within the phone\'s width', async (path) => {
    const page = await context.newPage();
    await page.goto(`${stack.sites.allowedUrl}${path}`);
    await page.waitForLoadState('networkidle');
    const layout = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, viewportWidth: window.innerWidth }));
    expect(layout.scrollWidth).toBeLessThanOrEqual(layout.viewportWidth);
    if (path === '/theming.html') {
      // One column: the chat is as wide as the recipe above it, not squeezed beside it.
      const widths = await page.evaluate(() => [...document.querySelectorAll('.lab-layout > *')].map((column) => Math.round(column.getBoundingClientRect().width)));
      expect(new Set(widths).size).toBe(1);
    }
    await page.close();
  });
});
