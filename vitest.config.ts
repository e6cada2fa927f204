import { defineConfig } from 'vitest/config';

// Unit and integration tests of every package. Browser tests have their own config
// (packages/web/e2e/vitest.config.ts) and run after the web app is built.
export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    globalSetup: ['packages/server/test/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // A missing service fails the run; nothing is skipped silently.
    passWithNoTests: false,
  },
});
