import type { Page } from 'playwright-core';
import type { NgxChat, NgxChatMessage } from '../../../widget/ngx-chat.js';

/** Generous: a hang guard, not a speed assertion. */
export const WAIT_MS = 30_000;

/** Types `text` into the widget's text box and presses Enter, as a reader does. */
export async function sendInWidget(page: Page, text: string, selector = 'ngx-chat'): Promise<void> {
  const input = page.locator(`${selector} [part~="input"]`);
  await input.fill(text);
  await input.press('Enter');
}

/** Clicks the launcher button and waits for the panel's text box. */
export async function openLauncher(page: Page, selector = 'ngx-chat'): Promise<void> {
  await page.locator(`${selector} [part~="launcher"]`).click();
  await page.locator(`${selector} [part~="input"]`).waitFor({ state: 'visible', timeout: WAIT_MS });
}

/** The last assistant message as the element's `messages` property reports it. */
export function lastReply(page: Page, selector = 'ngx-chat'): Promise<NgxChatMessage | undefined> {
  return page.evaluate((sel) => document.querySelector<NgxChat>(sel)?.messages.findLast((message) => message.role === 'assistant'), selector);
}

/** Waits until the last assistant message's status is `status` (and, with `minLength`, its text that long). */
export async function waitForReply(page: Page, status: NgxChatMessage['status'], selector = 'ngx-chat', minLength = 0): Promise<NgxChatMessage> {
  await page.waitForFunction(
    ({ sel, want, min }) => {
      const reply = document.querySelector<NgxChat>(sel)?.messages.findLast((message) => message.role === 'assistant');
      return reply?.status === want && reply.text.length >= min;
    },
    { sel: selector, want: status, min: minLength },
    { timeout: WAIT_MS, polling: 10 },
  );
  const reply = await lastReply(page, selector);
  if (!reply) throw new Error('the reply vanished');
  return reply;
}

/** The text the reader sees in the last assistant bubble. */
export async function renderedReply(page: Page, selector = 'ngx-chat'): Promise<string> {
  return page.evaluate((sel) => {
    const bubbles = document.querySelector(sel)?.shadowRoot?.querySelectorAll('[part~="message-assistant"]');
    return bubbles?.[bubbles.length - 1]?.textContent ?? '';
  }, selector);
}

/**
 * The lines of a demo reply as they read once rendered (no Markdown marks, no code fences): each
 * must appear exactly once in the bubble, which catches lost and repeated text alike.
 */
export function renderedLines(markdown: string): string[] {
  return markdown
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('```'))
    .map((line) =>
      line
        .replace(/^- /, '')
        .split('`')
        // Outside code spans (even pieces), drop the emphasis marks; inside, text stays as written.
        .map((piece, index) => (index % 2 === 0 ? piece.replace(/\*/g, '') : piece))
        .join(''),
    );
}

/** How many times `piece` occurs in `text`. */
export function occurrences(text: string, piece: string): number {
  return text.split(piece).length - 1;
}
