import { readFileSync } from 'node:fs';
import type { AxeResults } from 'axe-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/browser.js';
import { startDemoStack, type DemoStack } from './support/demo-stack.js';
import { sendInWidget, waitForReply, WAIT_MS } from './support/widget-page.js';

/** axe-core's own script, injected into each page. */
const AXE_SOURCE = readFileSync(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url), 'utf8');
/** WCAG 2.2 level AA, and every level below it. */
const WCAG_22_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

const SIZES = [
  { name: 'phone', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
  { name: 'laptop', viewport: { width: 1280, height: 800 }, isMobile: false, hasTouch: false },
] as const;
const SCHEMES = ['light', 'dark'] as const;

/** Brings a page to the state worth checking: the widget open with a reply rendered in it. */
type Prepare = (page: Page) => Promise<void>;

const chatInWidget: Prepare = async (page) => {
  const launcher = page.locator('ngx-chat[mode="launcher"] [part~="launcher"]');
  if ((await launcher.count()) > 0) await launcher.click();
  await sendInWidget(page, 'What can you do?');
};
const replyDone: Prepare = async (page) => {
  await chatInWidget(page);
  await waitForReply(page, 'completed');
  // The demo reply's code block, coloured by the on-demand highlighter: its tokens are checked too.
  await page.waitForFunction(() => [...document.querySelectorAll('ngx-chat')].some((chat) => chat.shadowRoot?.querySelector('pre code.hljs')), undefined, { timeout: WAIT_MS });
};
/** A reply that searched the demo catalogue, its tool row opened to the arguments and result. */
const toolStepOpen: Prepare = async (page) => {
  const launcher = page.locator('ngx-chat[mode="launcher"] [part~="launcher"]');
  if ((await launcher.count()) > 0) await launcher.click();
  await sendInWidget(page, 'Which kettles do you sell?');
  await waitForReply(page, 'completed');
  await page.locator('ngx-chat [part="tool-step"] summary').click();
};
/** A reply, then the list of conversations opened from the header. */
const historyOpen: Prepare = async (page) => {
  await replyDone(page);
  await page.locator('ngx-chat [part="history-button"]').click();
  await page.locator('ngx-chat [part="conversation-item"]').first().waitFor({ timeout: WAIT_MS });
};
/** A regenerated reply (‹ 2/2 › under it), then the last message opened for editing. */
const versionsAndEdit: Prepare = async (page) => {
  await replyDone(page);
  await page.locator('ngx-chat [part="regenerate-button"]').click();
  await page.locator('ngx-chat [part="version-switcher"]').waitFor({ timeout: WAIT_MS });
  await page.locator('ngx-chat [part="regenerate-button"]').waitFor({ timeout: WAIT_MS });
  await page.locator('ngx-chat [part="edit-button"]').click();
  await page.locator('ngx-chat .inline-form textarea').waitFor({ timeout: WAIT_MS });
};
const replyRefused: Prepare = async (page) => {
  await chatInWidget(page);
  await waitForReply(page, 'error');
};
const signInThenChat: Prepare = async (page) => {
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('ngx-chat [part~="input"]').waitFor({ timeout: WAIT_MS });
  await replyDone(page);
};
const rawStream: Prepare = async (page) => {
  await page.locator('#form button[type="submit"]').click();
  await page.locator('#events li').first().waitFor({ timeout: WAIT_MS });
};

/** Formats axe's violations so a failure says what and where. */
function describeViolations(results: AxeResults): string[] {
  return results.violations.flatMap((violation) => violation.nodes.map((node) => `${violation.id} (${violation.impact}): ${node.target.join(' ')} — ${node.failureSummary?.split('\n')[1]?.trim() ?? violation.help}`));
}

describe('every demo page under axe-core, WCAG 2.2 AA', () => {
  let stack: DemoStack;
  let browser: Browser;

  beforeAll(async () => {
    stack = await startDemoStack({ DEMO_TOKEN_DELAY_MS: '0' });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  const pages: [string, () => string, Prepare][] = [
    ['the shop (launcher)', () => `${stack.sites.allowedUrl}/`, replyDone],
    ['the shop with a catalogue search opened', () => `${stack.sites.allowedUrl}/`, toolStepOpen],
    ['the shop with the conversation list open', () => `${stack.sites.allowedUrl}/`, historyOpen],
    ['the shop with a regenerated reply and the last message being edited', () => `${stack.sites.allowedUrl}/`, versionsAndEdit],
    ['the themed page (inline, dark)', () => `${stack.sites.allowedUrl}/theming.html`, replyDone],
    ['the strict-CSP page', () => `${stack.sites.allowedUrl}/csp.html`, replyDone],
    ['the React example', () => `${stack.sites.allowedUrl}/react/`, signInThenChat],
    ['the raw stream client', () => `${stack.sites.allowedUrl}/stream_client.html`, rawStream],
    ['the refused site', () => `${stack.sites.refusedUrl}/`, replyRefused],
  ];

  for (const size of SIZES) {
    for (const scheme of SCHEMES) {
      it.each(pages)(`%s at ${size.viewport.width}×${size.viewport.height}, ${scheme}: no violations`, async (_name, url, prepare) => {
        // The strict-CSP page would refuse axe's injected script; the page's own scripts are checked by csp-page.test.ts.
        const context = await browser.newContext({ viewport: size.viewport, isMobile: size.isMobile, hasTouch: size.hasTouch, colorScheme: scheme, bypassCSP: true });
        const page = await context.newPage();
        try {
          await page.goto(url());
          await prepare(page);
          await page.addScriptTag({ content: AXE_SOURCE });
          const results = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), WCAG_22_AA);
          expect(describeViolations(results)).toEqual([]);
        } finally {
          await context.close();
        }
      });
    }
  }
});

declare global {
  interface Window {
    axe: typeof import('axe-core');
  }
}
