import { defineConfig } from 'vitest/config';

/** `npm run test:scaleout`: HAProxy, a three-node NATS cluster and two instances (test/scaleout/). */
export default defineConfig({
  test: {
    include: ['test/scaleout/**/*.test.ts'],
    testTimeout: 360_000,
    hookTimeout: 240_000,
    pool: 'forks',
    fileParallelism: false,
    maxWorkers: 1,
  },
});
