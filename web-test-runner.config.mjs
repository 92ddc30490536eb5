// Widget tests: a real Chromium against the real API, both started here. Run through
// `node --import tsx` (see the `test:widget` script) so this file can import the TypeScript
// test server and start the API in-process.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { startWidgetTestApis, widgetApiPlugin } from './test/widget/support/wtr-api-plugin.ts';

const apis = await startWidgetTestApis();

/** The strict policy of the issue, with the API's origin allowed for fetch. */
const STRICT_CSP = `default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self' ${apis.main.url}`;

export default {
  // In Chromium: what only a browser shows. The logic that draws nothing runs in Node (vitest).
  files: ['test/widget/**/*.test.ts', '!test/widget/**/*.unit.test.ts'],
  nodeResolve: true,
  // One page at a time: the tests share one API (its hooks cut every open stream) and the
  // long-task assertion needs the CPU to itself.
  concurrency: 1,
  concurrentBrowsers: 1,
  testsFinishTimeout: 300_000,
  testFramework: { config: { timeout: 30_000 } },
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: '/usr/bin/chromium',
        headless: true,
        args: ['--no-sandbox', '--headless=new', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      },
    }),
  ],
  middleware: [
    function strictCsp(context, next) {
      if (context.path.endsWith('/fixtures/csp.html')) context.set('Content-Security-Policy', STRICT_CSP);
      return next();
    },
  ],
  plugins: [esbuildPlugin({ ts: true, target: 'es2022', tsconfig: 'tsconfig.json' }), widgetApiPlugin(apis)],
};
