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
  });
});
