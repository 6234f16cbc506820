import os from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * Unit and integration files mostly wait (on core worker threads, sockets, fsync): two at a time
 * even on two cores. Vitest's default there is cores − 1 = 1, which ran them one after another
 * and kept `npm test` over 20 minutes (about 10 of them unit files; 6.3 with two at a time).
 */
const UNIT_WORKERS = Math.max(2, os.availableParallelism() - 1);

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          environment: 'node',
          include: ['shared/**/*.test.ts', 'electron/**/*.test.ts', 'renderer/**/*.test.ts', 'server/**/*.test.ts', 'tests/integration/**/*.test.ts'],
          globalSetup: ['tests/support/global-build.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          maxWorkers: UNIT_WORKERS,
        },
      },
      {
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['tests/e2e/**/*.test.ts'],
          globalSetup: ['tests/support/global-build.ts'],
          testTimeout: 120_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'electron',
          environment: 'node',
          include: ['tests/electron/**/*.test.ts'],
          globalSetup: ['tests/support/global-build.ts'],
          testTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
