import { defineConfig } from 'vitest/config';

/**
 * Two projects: fast tests with no I/O (domain, HTTP helpers, synthesised templates), and tests
 * against real parts (DynamoDB Local, the local runtime over HTTP), which share one DynamoDB
 * Local per run started by the global setup.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'test/domain/**/*.test.ts',
            'test/http/**/*.test.ts',
            'test/infra/**/*.test.ts',
            'test/adapters/caching/**/*.test.ts',
          ],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/local/**/*.test.ts', 'test/adapters/**/*.test.ts', 'test/api/**/*.test.ts'],
          exclude: ['test/adapters/caching/**'],
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
