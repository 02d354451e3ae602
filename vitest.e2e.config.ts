import { defineConfig } from 'vitest/config';

// End-to-end tests against real peers (the built collector, moto): `npm run test:e2e`.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    globalSetup: ['test/e2e/support/global-setup.ts'],
    // The collector build can take minutes on a cold cache.
    hookTimeout: 900_000,
    testTimeout: 120_000,
    // One collector and one moto at a time: the machines have two cores.
    fileParallelism: false,
  },
});
