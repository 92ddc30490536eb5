import { describe, expect, it } from 'vitest';
import { saveScreenshot } from './support/browser.js';
import { useDemoInBrowser } from './support/demo-in-browser.js';
import { openLauncher, sendInWidget, waitForReply, WAIT_MS } from './support/widget-page.js';

describe('the demo shop’s chat: starter prompts and the list of conversations', () => {
  const demo = useDemoInBrowser();

  it('offers the demo agent’s starter prompts, answers one, and lists both conversations after a new one', async () => {
    const { page, stack } = demo;
    await page.goto(`${stack.sites.allowedUrl}/`);
    await openLauncher(page);
    const prompts = page.locator('ngx-chat [part="starter-prompt"]');
    await prompts.first().waitFor({ timeout: WAIT_MS });
    expect(await prompts.allTextContents()).toEqual(['Which kettles do you sell?', 'Where is order KC-20418?', 'How do I restyle the chat?']);
    await saveScreenshot(page, 'demo-starter-prompts');

    await prompts.first().click();
    await waitForReply(page, 'completed');
    await page.locator('ngx-chat [part="new-conversation-button"]').click();
    await sendInWidget(page, 'Where is order KC-20418?');
    await waitForReply(page, 'completed');
    await page.locator('ngx-chat [part="history-button"]').click();
    const items = page.locator('ngx-chat [part="conversation-item"] .conversation-title');
    await items.nth(1).waitFor({ timeout: WAIT_MS });
    expect(await items.allTextContents()).toEqual(['Where is order KC-20418?', 'Which kettles do you sell?']);
    await saveScreenshot(page, 'demo-conversations');

    await items.nth(1).click();
    await page.waitForFunction(() => document.querySelector('ngx-chat')?.messages[0]?.text === 'Which kettles do you sell?', undefined, { timeout: WAIT_MS });

    // Regenerate the reply, and switch back to the first version.
    const switcher = page.locator('ngx-chat [part~="message-assistant"] [part="version-switcher"]');
    await page.locator('ngx-chat [part="regenerate-button"]').click();
    await switcher.waitFor({ timeout: WAIT_MS });
    await page.locator('ngx-chat [part="regenerate-button"]').waitFor({ timeout: WAIT_MS });
    expect(await switcher.getAttribute('aria-label')).toBe('Version 2 of 2');
    await switcher.getByRole('button', { name: 'Previous version' }).click();
    await page.waitForFunction(() => document.querySelector('ngx-chat')?.shadowRoot?.querySelector('[part="version-switcher"]')?.getAttribute('aria-label') === 'Version 1 of 2', undefined, {
      timeout: WAIT_MS,
    });

    // Edit the last message into a question with formulas: a new version, answered with MathML and highlighted code.
    await page.locator('ngx-chat [part="edit-button"]').click();
    await page.locator('ngx-chat .inline-form textarea').fill('Show me a formula for brewing');
    await page.locator('ngx-chat .inline-form [type="submit"]').click();
    await page.locator('ngx-chat .md math').nth(2).waitFor({ state: 'attached', timeout: WAIT_MS });
    await page.locator('ngx-chat pre code.hljs').waitFor({ timeout: WAIT_MS });
    expect(await page.locator('ngx-chat [part~="message-user"] [part="version-switcher"]').getAttribute('aria-label')).toBe('Version 2 of 2');

    // 👎 with a comment, kept with the reply.
    await page.locator('ngx-chat [part="feedback-down"]').click();
    await page.locator('ngx-chat .inline-form textarea').fill('Too much algebra for coffee.');
    await page.locator('ngx-chat .inline-form [type="submit"]').click();
    await page.locator('ngx-chat [part="feedback-down"][aria-pressed="true"]').waitFor({ timeout: WAIT_MS });
    await saveScreenshot(page, 'demo-versions');
    const stored = await page.evaluate(async (api) => {
      const chat = document.querySelector('ngx-chat');
      const token = Object.entries(localStorage).find(([key]) => key.endsWith(':guest-token'))?.[1];
      const res = await fetch(`${api}/conversations/${chat?.conversationId}`, { headers: { Authorization: `Bearer ${token}` } });
      return res.json();
    }, stack.apiUrl);
    expect(stored.messages.map((message: { content: string; versions?: { index: number; count: number }; feedback?: { rating: string; comment?: string } }) => [
      message.content.slice(0, 32),
      message.versions ?? null,
      message.feedback ? [message.feedback.rating, message.feedback.comment] : null,
    ])).toEqual([
      ['Show me a formula for brewing', { index: 1, count: 2 }, null],
      ['Formulas are written in TeX and ', null, ['down', 'Too much algebra for coffee.']],
    ]);
  });
});
