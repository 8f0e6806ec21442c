import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Separate processes: e2e suites start real servers and load alova with module hooks.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
