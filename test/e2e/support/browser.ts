import { chromium, type Browser, type Page } from 'playwright-core';
import { screenshotPath } from '../../support/screenshot-path.js';

/** Debian's Chromium, with the flags this machine needs (root, and no calls to Google's services). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--headless=new', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** The viewport of every screenshot: a laptop screen. */
export const VIEWPORT = { width: 1280, height: 800 };

/**
 * Saves the README's `docs/images/<name>.png` of the page as a visitor first sees it (scrolled to
 * the top); see {@link screenshotPath} for where it goes outside `npm run docs:screenshots`.
 */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: screenshotPath(`docs/images/${name}.png`) });
}
