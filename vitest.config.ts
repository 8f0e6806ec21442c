import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The CLI tests run dist/: rebuild it first when a source is newer (see the file for why both this and `npm test`).
    globalSetup: ['test/helpers/build-if-stale.ts'],
    // Separate processes: e2e suites start real servers and load alova with module hooks.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
