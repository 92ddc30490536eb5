import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium, with the flags this machine needs (root, and no calls to Google's services). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--headless=new', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** Where the tests save the README's screenshots of the demo pages. */
export const SCREENSHOT_DIR = new URL('../../../docs/images/', import.meta.url).pathname;

/** The viewport of every screenshot: a laptop screen. */
export const VIEWPORT = { width: 1280, height: 800 };

/** Saves `docs/images/<name>.png` of the page as a visitor first sees it (scrolled to the top). */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${SCREENSHOT_DIR}${name}.png` });
}
