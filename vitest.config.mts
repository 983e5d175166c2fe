import { defineConfig } from 'vitest/config';

/**
 * Two projects, the offline/connected split:
 * - unit: no I/O and no Java — pure rules, use cases on in-memory adapters
 *   (test/<capability>/**), each store port's contract suite run against its in-memory adapter
 *   (`*.memory.test.ts`), HTTP helpers, synthesised templates. Runs in seconds.
 * - integration: real parts — the same contract suites against DynamoDB Local
 *   (`*.dynamodb.test.ts`), the local runtime over HTTP, the local stream poller and workflow.
 *   One DynamoDB Local per run, started by the global setup.
 */
const CAPABILITIES =
  'test/{shared,tickets,sla,groups,changes,email,attachments,admin,public,seed,cmdb,search,alerts,catalog,problems,reports,csat}';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            `${CAPABILITIES}/**/*.test.ts`,
            'test/domain/**/*.test.ts',
            'test/http/**/*.test.ts',
            'test/infra/**/*.test.ts',
            'test/adapters/caching/**/*.test.ts',
          ],
          exclude: ['**/*.dynamodb.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: [
            `${CAPABILITIES}/**/*.dynamodb.test.ts`,
            'test/local/**/*.test.ts',
            'test/adapters/**/*.test.ts',
            'test/api/**/*.test.ts',
          ],
          exclude: ['test/adapters/caching/**'],
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
