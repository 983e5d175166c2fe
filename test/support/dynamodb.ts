import { randomBytes } from 'node:crypto';
import { CreateTableCommand, DeleteTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { localDynamoClient } from '../../bin/local/aws-clients.js';
import { createTableInput, ensureTable } from '../../bin/local/table.js';
import { documentClient } from '../../functions/shared/wiring/aws.js';

/** A fresh table, built from TABLE_DEFINITION, on the run's shared DynamoDB Local. */
export interface TestTable {
  /** Unique per call: tests never see each other's items. */
  readonly tableName: string;
  readonly client: DynamoDBClient;
  /** Document client with the same marshalling options as the Lambdas. */
  readonly dynamo: DynamoDBDocumentClient;
  readonly endpoint: string;
  /** Deletes the table (optional: the in-memory DynamoDB Local is discarded after the run anyway). */
  drop(): Promise<void>;
}

/** Endpoint of the DynamoDB Local the global setup started for this test's worker. */
export function testDynamoEndpoint(): string {
  const endpoints = inject('dynamoEndpoints');
  if (!endpoints?.length) {
    throw new Error(
      'no DynamoDB Local for this test: run it in the integration project (see vitest.config.mts)',
    );
  }
  const worker = Number(process.env.VITEST_POOL_ID ?? 1);
  return endpoints[(worker - 1) % endpoints.length]!;
}

let counter = 0;

/** `test-<pid>-<n>-<random>`: unique across the parallel test processes of a run. */
export function uniqueTableName(prefix = 'test'): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}-${randomBytes(3).toString('hex')}`;
}

export async function createTestTable(prefix = 'test'): Promise<TestTable> {
  const endpoint = testDynamoEndpoint();
  const client = localDynamoClient(endpoint);
  const tableName = uniqueTableName(prefix);
  await client.send(new CreateTableCommand(createTableInput(tableName)));
  await ensureTable(client, tableName); // waits ACTIVE and turns TTL on, like the runtime
  return {
    tableName,
    client,
    dynamo: documentClient(client),
    endpoint,
    drop: async () => {
      await client.send(new DeleteTableCommand({ TableName: tableName }));
      client.destroy();
    },
  };
}
