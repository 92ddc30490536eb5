import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT_IN_STRINGS } from '../../widget/render/strings.js';
import { VIEWPORT, launchChromium, saveScreenshot } from './support/browser.js';
import { startDemoStack, type DemoStack } from './support/demo-stack.js';
import { openLauncher, sendInWidget, waitForReply } from './support/widget-page.js';

describe('the refused demo site (not in ALLOWED_ORIGINS)', () => {
  let stack: DemoStack;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    stack = await startDemoStack({ DEMO_TOKEN_DELAY_MS: '0' });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: VIEWPORT });
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('says the site is not allowed, tells the console which origin to add, and obtains no token', async () => {
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    // What the page got for its /auth/guest requests: a response it could read, or a failure.
    const guestOutcomes: string[] = [];
    const isGuest = (url: string) => new URL(url).pathname === '/auth/guest';
    page.on('response', (response) => {
      if (isGuest(response.url())) guestOutcomes.push(`HTTP ${response.status()}`);
    });
    page.on('requestfailed', (request) => {
      if (isGuest(request.url())) guestOutcomes.push(`failed: ${request.failure()?.errorText}`);
    });

    await page.goto(`${stack.sites.refusedUrl}/`);
    await openLauncher(page);
    await sendInWidget(page, 'Do you have signed copies?');
    await waitForReply(page, 'error');

    const note = await page.locator('ngx-chat [part~="message-assistant"] .note').textContent();
    expect(note).toBe(BUILT_IN_STRINGS.en.originNotAllowed);
    expect(consoleErrors).toContain(`ngx-chat: the API at ${stack.apiUrl} refuses this page's origin; add ${stack.sites.refusedUrl} to its ALLOWED_ORIGINS.`);
    // The widget asked for a token and the API refused every time: no token reached the page.
    expect(stack.traffic.guestRequests).toBeGreaterThan(0);
    expect(stack.traffic.guestTokensIssued).toBe(0);
    // Without CORS headers on the 403, the browser keeps the answer from the page altogether.
    expect(guestOutcomes.length).toBeGreaterThan(0);
    expect(guestOutcomes.filter((outcome) => !outcome.startsWith('failed:'))).toEqual([]);
    expect(await page.evaluate(() => [...Object.keys(localStorage), ...Object.keys(sessionStorage)].filter((key) => key.endsWith('guest-token')))).toEqual([]);
    expect(stack.traffic.sends).toBe(0);
    await saveScreenshot(page, 'demo-refused');
  });
});
