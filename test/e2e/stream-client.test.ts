import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoReply } from '../../server/agents/demo-agent.js';
import { VIEWPORT, launchChromium, saveScreenshot } from './support/browser.js';
import { startDemoStack, type DemoStack } from './support/demo-stack.js';
import { WAIT_MS } from './support/widget-page.js';

describe('demo/stream_client.html (fetch and a stream reader, no widget)', () => {
  let stack: DemoStack;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    // Slow enough to see the events arrive one by one.
    stack = await startDemoStack({ DEMO_TOKEN_DELAY_MS: '40' });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: VIEWPORT });
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('logs in, posts to /stream/chat and shows each raw event as it arrives', async () => {
    await page.goto(`${stack.sites.allowedUrl}/stream_client.html`);
    expect(await page.inputValue('input[name="api"]')).toBe(stack.apiUrl);
    const message = 'Hello! How do streams resume?';
    await page.fill('textarea[name="message"]', message);
    await page.getByRole('button', { name: 'Log in and send' }).click();

    // Mid-stream: some events shown while the response is still being read.
    await page.waitForFunction(
      () => document.querySelectorAll('#events li').length >= 4 && document.getElementById('status')?.textContent?.includes('reading'),
      undefined,
      { timeout: WAIT_MS, polling: 10 },
    );
    await page.waitForFunction(() => document.getElementById('status')?.textContent?.startsWith('Stream closed'), undefined, { timeout: WAIT_MS });

    const events = await page.locator('#events pre').allTextContents();
    expect(events[0]).toBe('retry: 1000');
    expect(events[1]).toMatch(/^event: start\ndata: \{"conversation_id":"[^"]+","status":"processing"/);
    expect(events.at(-1)).toMatch(/^event: end\ndata: \{[^\n]*"status":"completed"[^\n]*\}\nid: \S+:\d+$/);
    expect(events.slice(2, -1).every((raw) => raw.startsWith('event: chunk\ndata: {"type":"content"'))).toBe(true);
    expect(await page.textContent('#reply')).toBe(demoReply(message));
    expect(stack.traffic.sends).toBe(1);
    await saveScreenshot(page, 'demo-stream-client');
  });
});
