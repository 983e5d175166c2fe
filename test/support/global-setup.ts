import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../bin/local/dynamodb-local.js';

/**
 * DynamoDB Local for the integration tests: one per test worker (at most MAX_INSTANCES), shared by
 * the files that worker runs; each test makes its own uniquely named table on it
 * (test/support/dynamodb.ts, runtime.ts). One per worker because DynamoDB Local serves one request
 * at a time: two workers on one instance wait for each other, and a test of 20 racing writers
 * behind another file's traffic takes minutes instead of seconds.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    /** `http://127.0.0.1:<port>` of each DynamoDB Local of the run; a worker uses one (VITEST_POOL_ID). */
    dynamoEndpoints: string[];
  }
}

/** A JVM costs ~300 MB: beyond four workers, workers share instances. */
const MAX_INSTANCES = 4;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const instances = Math.max(1, Math.min(MAX_INSTANCES, project.globalConfig.maxWorkers));
  const started = await Promise.allSettled(Array.from({ length: instances }, () => startDynamoDbLocal()));
  const running = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const stopAll = () => Promise.all(running.map((instance) => instance.stop())).then(() => undefined);
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) {
    await stopAll();
    throw failed.reason;
  }
  project.provide(
    'dynamoEndpoints',
    running.map((instance) => instance.endpoint),
  );
  return stopAll;
}
