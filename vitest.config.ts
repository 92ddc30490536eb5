import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The server suites, and the widget's logic that draws nothing (`*.unit.test.ts`, in Node).
    include: ['test/server/**/*.test.ts', 'test/widget/**/*.unit.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Each file starts its own servers on free ports; two cores run two files at once.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
