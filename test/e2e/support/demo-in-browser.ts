import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { VIEWPORT, launchChromium } from './browser.js';
import { startDemoStack, type DemoStack } from './demo-stack.js';

/** The demo stack and Chromium of a suite, and the fresh page of the running test. */
export interface DemoInBrowser {
  stack: DemoStack;
  browser: Browser;
  context: BrowserContext;
  page: Page;
}

/**
 * Starts the demo stack (with `env`) and Chromium before the suite's tests and stops them after;
 * gives each test a new context and page at the laptop viewport. The returned object is filled
 * in by the time the tests run.
 */
export function useDemoInBrowser(env: Record<string, string> = {}): DemoInBrowser {
  const session = {} as DemoInBrowser;
  beforeAll(async () => {
    session.stack = await startDemoStack(env);
    session.browser = await launchChromium();
  });
  afterAll(async () => {
    await session.browser?.close();
    await session.stack?.close();
  });
  beforeEach(async () => {
    session.context = await session.browser.newContext({ viewport: VIEWPORT });
    session.page = await session.context.newPage();
    session.stack.resetTraffic();
  });
  afterEach(() => session.context.close());
  return session;
}
