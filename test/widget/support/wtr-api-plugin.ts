import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { TestRunnerPlugin } from '@web/test-runner';
import { ChromeLauncher } from '@web/test-runner-chrome';
import { CHUNK_BUDGET_BYTES, WIDGET_BUDGET_BYTES, WIDGET_OUT_DIR } from '../../../vite.config.js';
import { screenshotPath } from '../../support/screenshot-path.js';
import { startBufferingProxy, type BufferingProxy } from './buffering-proxy.js';
import { startHookedApi, type HookedApi, type InjectedFailure } from './test-server.js';

/** Where the tests find the APIs. */
export interface ApiInfo {
  /** An API that allows the test page's origin. */
  url: string;
  /** An API that allows only https://elsewhere.example. */
  strictUrl: string;
  /** The main API behind a proxy that buffers whole responses. */
  bufferedUrl: string;
}

/** A screenshot of part of the test page. */
export interface ScreenshotRequest {
  /** Path from the project root, `.png`. */
  path: string;
  clip: { x: number; y: number; width: number; height: number };
}

/** The APIs the widget tests talk to, started before the browser. */
export interface WidgetTestApis {
  main: HookedApi;
  strict: HookedApi;
  buffered: BufferingProxy;
}

/** Starts the APIs: small token delay, the test page's origins (any port on loopback) allowed. */
export async function startWidgetTestApis(): Promise<WidgetTestApis> {
  const common = { DEMO_TOKEN_DELAY_MS: '5', MAX_MESSAGE_LENGTH: '2000', GUEST_TOKENS: 'on' };
  const main = await startHookedApi({ ...common, ALLOWED_ORIGINS: 'http://localhost:*,http://127.0.0.1:*' });
  const strict = await startHookedApi({ ...common, ALLOWED_ORIGINS: 'https://elsewhere.example' });
  return { main, strict, buffered: await startBufferingProxy(main.url) };
}

/**
 * Server commands for the widget tests (`executeServerCommand(name, payload)` in the page):
 * the API's address and hooks, the bundle's size, and screenshots.
 */
export function widgetApiPlugin(apis: WidgetTestApis): TestRunnerPlugin {
  const { main, strict, buffered } = apis;
  return {
    name: 'ngx-chat-widget-api',
    async executeCommand({ command, payload, session }) {
      switch (command) {
        case 'api-info':
          return { url: main.url, strictUrl: strict.url, bufferedUrl: buffered.url } satisfies ApiInfo;
        case 'api-cut-streams':
          return main.cutStreams();
        case 'api-open-streams':
          return main.openStreams();
        case 'api-fail-next':
          main.failNext(payload as InjectedFailure);
          return true;
        case 'api-rewind-resumes':
          main.rewindResumes((payload as { events: number }).events);
          return true;
        case 'api-reject-token':
          main.rejectToken((payload as { token: string }).token);
          return true;
        case 'api-stats':
          return main.stats;
        case 'api-reset':
          main.resetStats();
          return true;
        case 'widget-bundle-size': {
          const gzipped = async (file: string) => gzipSync(await readFile(`${WIDGET_OUT_DIR}/${file}`), { level: 9 }).length;
          return {
            gzipBytes: await gzipped('ngx-chat.js'),
            budgetBytes: WIDGET_BUDGET_BYTES,
            chunkGzipBytes: await gzipped('ngx-chat-highlight.js'),
            chunkBudgetBytes: CHUNK_BUDGET_BYTES,
          };
        }
        case 'widget-asset-check':
          return checkAssets(main.url);
        case 'screenshot': {
          if (!(session.browser instanceof ChromeLauncher)) throw new Error('screenshots need the Chrome launcher');
          const { clip } = payload as ScreenshotRequest;
          const path = screenshotPath((payload as ScreenshotRequest).path);
          await mkdir(dirname(path), { recursive: true });
          await session.browser.getPage(session.id).screenshot({ path: path as `${string}.png`, clip });
          return true;
        }
        default:
          return undefined;
      }
    },
    async serverStop() {
      await Promise.all([main.close(), strict.close(), buffered.close()]);
    },
  };
}

/** Fetches the widget routes the way a browser on another site would, reporting what a test checks. */
async function checkAssets(apiUrl: string) {
  const url = `${apiUrl}/widget/ngx-chat.js`;
  const first = await fetch(url, { headers: { Origin: 'https://shop.example', 'Accept-Encoding': 'gzip' } });
  const gzipped = Buffer.from(await first.arrayBuffer());
  const etag = first.headers.get('etag') ?? '';
  // With If-None-Match alone, fetch adds `Cache-Control: no-cache` (the spec's no-store mode),
  // which a browser revalidating its own cache does not send; max-age=0 is what it sends.
  const again = await fetch(url, { headers: { 'If-None-Match': etag, 'Accept-Encoding': 'gzip', 'Cache-Control': 'max-age=0' } });
  const iife = await fetch(`${apiUrl}/widget/ngx-chat.iife.js`, { headers: { 'Accept-Encoding': 'identity' } });
  const check = async (origin: string) => (await fetch(`${apiUrl}/widget/origin-check`, { headers: { Origin: origin } })).json();
  return {
    status: first.status,
    contentType: first.headers.get('content-type'),
    contentEncoding: first.headers.get('content-encoding'),
    cacheControl: first.headers.get('cache-control'),
    allowOrigin: first.headers.get('access-control-allow-origin'),
    vary: first.headers.get('vary'),
    etag,
    // undici decompresses: this is the bundle's own size.
    bodyBytes: gzipped.length,
    revalidationStatus: again.status,
    iifeStatus: iife.status,
    iifeType: iife.headers.get('content-type'),
    allowedCheck: await check('http://localhost:9999'),
    refusedCheck: await check('https://evil.example'),
  };
}
