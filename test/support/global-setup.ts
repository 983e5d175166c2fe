import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../bin/local/dynamodb-local.js';

/**
 * One DynamoDB Local per test run, shared by every integration test file: each test makes its own
 * uniquely named table on it (test/support/dynamodb.ts, runtime.ts), so files can run in parallel
 * without a 2–3 s JVM start each.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    /** `http://127.0.0.1:<port>` of the run's DynamoDB Local. */
    dynamoEndpoint: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dynamoDb = await startDynamoDbLocal();
  project.provide('dynamoEndpoint', dynamoDb.endpoint);
  return async () => {
    await dynamoDb.stop();
  };
}
