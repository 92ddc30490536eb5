import { defineConfig } from 'vitest/config';

/**
 * The end-to-end suite (`npm run test:e2e`): the demo sites and the API on free ports, driven by
 * the machine's Chromium through playwright-core, across real origins.
 */
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Each file starts its own Chromium and servers; one at a time keeps the timing of the
    // mid-reply tests (a cut, a reload) away from CPU contention.
    fileParallelism: false,
  },
});
