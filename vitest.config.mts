import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * Workers: at least two, even on two cores (vitest's default there is one). The integration tests
 * spend most of their time waiting on DynamoDB Local, which serves one request at a time; each
 * worker gets a DynamoDB Local of its own (test/support/global-setup.ts), so two workers keep both
 * cores busy instead of one.
 */
const WORKERS = Math.max(2, availableParallelism() - 1);

/**
 * Two projects, the offline/connected split:
 * - unit: no I/O and no Java — pure rules, use cases on in-memory adapters
 *   (test/<capability>/**), each store port's contract suite run against its in-memory adapter
 *   (`*.memory.test.ts`), HTTP helpers, synthesised templates. Runs in seconds.
 * - integration: real parts — the same contract suites against DynamoDB Local
 *   (`*.dynamodb.test.ts`), the local runtime over HTTP, the local stream poller and workflow.
 *   One DynamoDB Local per worker, started by the global setup.
 */
const CAPABILITIES =
  'test/{shared,tickets,sla,groups,changes,email,attachments,admin,public,seed,cmdb,search,alerts,catalog,problems,reports,csat,projections}';

export default defineConfig({
  test: {
    maxWorkers: WORKERS,
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
          // Pure tests share a worker's module cache instead of re-importing aws-cdk-lib and the
          // handlers for every file: about a third of the time. They keep no module state.
          isolate: false,
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
