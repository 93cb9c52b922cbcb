import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Two cores: the heavy suites (C builds, training) must not all start at once.
    maxWorkers: 2,
    minWorkers: 1,
    // The JSON report lets .ci/run print the real pass/fail counts.
    reporters: ['default', 'json'],
    outputFile: { json: 'build/vitest-results.json' },
  },
});
