import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoReply } from '../../server/agents/demo-agent.js';
import type { NgxChat } from '../../widget/ngx-chat.js';
import { VIEWPORT, launchChromium, saveScreenshot } from './support/browser.js';
import { startDemoStack, type DemoStack } from './support/demo-stack.js';
import { WAIT_MS, occurrences, renderedLines, renderedReply, sendInWidget, waitForReply } from './support/widget-page.js';

describe('the React example (StreamChatComponent, @lit/react)', () => {
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

  it('renders the widget with the signed-in token, streams a reply and fires the callbacks', async () => {
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${stack.sites.allowedUrl}/react/`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('ngx-chat [part~="input"]').waitFor({ timeout: WAIT_MS });
    // The props reached the element as properties: the API's URL from the page, the token from the sign-in.
    const props = await page.evaluate(() => {
      const element = document.querySelector<NgxChat>('ngx-chat');
      return { apiUrl: element?.apiUrl, token: element?.token?.split('.').length, guest: element?.guest };
    });
    expect(props).toEqual({ apiUrl: stack.apiUrl, token: 3, guest: false });

    const message = 'How do I export invoices?';
    await sendInWidget(page, message);
    const reply = await waitForReply(page, 'completed');
    expect(reply.text).toBe(demoReply(message));
    const rendered = await renderedReply(page);
    for (const line of renderedLines(demoReply(message))) expect(occurrences(rendered, line), line).toBe(1);

    const callbacks = page.locator('.callbacks li');
    await callbacks.filter({ hasText: 'onMessage' }).waitFor({ timeout: WAIT_MS });
    const fired = (await callbacks.allTextContents()).reverse();
    expect(fired[0]).toBe(`onSend ${JSON.stringify(message)}`);
    expect(fired).toContain('onStatus streaming');
    expect(fired).toContain(`onMessage completed, ${demoReply(message).length} characters`);
    expect(stack.traffic).toMatchObject({ guestRequests: 0, sends: 1 });
    expect(pageErrors).toEqual([]);
    await saveScreenshot(page, 'demo-react');
  });
});
