import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { demoReply } from '../../server/agents/demo-agent.js';
import type { NgxChat } from '../../widget/ngx-chat.js';
import { saveScreenshot } from './support/browser.js';
import { useDemoInBrowser } from './support/demo-in-browser.js';
import { occurrences, openLauncher, renderedLines, renderedReply, sendInWidget, waitForReply } from './support/widget-page.js';

/** Every line of the demo agent's reply to `message` shows exactly once in the last bubble. */
async function expectRenderedOnce(page: Page, message: string, selector = 'ngx-chat'): Promise<void> {
  const rendered = await renderedReply(page, selector);
  for (const line of renderedLines(demoReply(message))) expect(occurrences(rendered, line), line).toBe(1);
}

describe('the allowed demo site (in ALLOWED_ORIGINS)', () => {
  // Slow enough to act in the middle of a reply (about 2 s each).
  const demo = useDemoInBrowser({ DEMO_TOKEN_DELAY_MS: '40' });

  it('chats through the launcher with the script tag from the API: the full reply, rendered', async () => {
    const { page, stack } = demo;
    const widgetRequests: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/widget/ngx-chat')) widgetRequests.push(request.url());
    });
    await page.goto(`${stack.sites.allowedUrl}/`);
    expect(widgetRequests).toEqual([`${stack.apiUrl}/widget/ngx-chat.js`]);
    await openLauncher(page);
    const message = 'Does the Aria work on induction hobs?';
    await sendInWidget(page, message);

    expect((await waitForReply(page, 'completed')).text).toBe(demoReply(message));
    await expectRenderedOnce(page, message);
    expect(stack.traffic).toMatchObject({ guestTokensIssued: 1, sends: 1, resumes: 0 });
    await saveScreenshot(page, 'demo-shop');
  });

  it('completes a reply whose connection the server cut mid-reply, with no text lost or repeated', async () => {
    const { page, stack } = demo;
    await page.goto(`${stack.sites.allowedUrl}/`);
    await openLauncher(page);
    const message = 'Tell me about the walnut handle.';
    await sendInWidget(page, message);
    const partial = await waitForReply(page, 'streaming', 'ngx-chat', 40);
    expect(partial.text.length).toBeLessThan(demoReply(message).length);

    expect(stack.cutStreams()).toBe(1);
    expect((await waitForReply(page, 'completed')).text).toBe(demoReply(message));
    await expectRenderedOnce(page, message);
    expect(stack.traffic.sends).toBe(1);
    expect(stack.traffic.resumes).toBeGreaterThanOrEqual(1);
  });

  it('resumes a reply after a reload in the middle of it', async () => {
    const { page, stack } = demo;
    await page.goto(`${stack.sites.allowedUrl}/`);
    await openLauncher(page);
    const message = 'What is the warranty?';
    await sendInWidget(page, message);
    await waitForReply(page, 'streaming', 'ngx-chat', 40);

    await page.reload();
    expect((await waitForReply(page, 'completed')).text).toBe(demoReply(message));
    const opened = await page.evaluate(() => document.querySelector<NgxChat>('ngx-chat')?.opened);
    if (!opened) await openLauncher(page);
    await expectRenderedOnce(page, message);
    expect(await page.evaluate(() => document.querySelector<NgxChat>('ngx-chat')?.messages.map((m) => m.role))).toEqual(['user', 'assistant']);
    // One generation, read again from where the page left it: a resume, not a second send.
    expect(stack.traffic.sends).toBe(1);
    expect(stack.traffic.resumes).toBeGreaterThanOrEqual(1);
  });

  it('shows the inline instance themed by the product team (custom properties, parts, dark)', async () => {
    const { page, stack } = demo;
    await page.goto(`${stack.sites.allowedUrl}/theming.html`);
    const chat = '#brew-lab-chat';
    const message = 'How fine should I grind for a V60?';
    await sendInWidget(page, message, chat);
    expect((await waitForReply(page, 'completed', chat)).text).toBe(demoReply(message));
    await expectRenderedOnce(page, message, chat);

    const look = await page.evaluate((sel) => {
      const root = document.querySelector(sel)?.shadowRoot;
      const style = (part: string) => getComputedStyle(root?.querySelector(`[part~="${part}"]`) ?? document.body);
      return {
        theme: document.querySelector<NgxChat>(sel)?.theme,
        panel: style('panel').backgroundColor,
        header: style('header').backgroundImage,
        user: style('message-user').backgroundColor,
        userCorner: style('message-user').borderBottomRightRadius,
      };
    }, chat);
    expect(look).toEqual({ theme: 'dark', panel: 'rgb(29, 25, 22)', header: expect.stringContaining('linear-gradient'), user: 'rgb(224, 164, 88)', userCorner: '4px' });
    await saveScreenshot(page, 'demo-theming');
  });
});
