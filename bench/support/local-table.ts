import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { localDynamoClient } from '../../bin/local/aws-clients.js';
import { startDynamoDbLocal } from '../../bin/local/dynamodb-local.js';
import { ensureTable } from '../../bin/local/table.js';
import { documentClient } from '../../functions/shared/wiring/aws.js';

/** A fresh table in its own DynamoDB Local, as a benchmark gets it. */
export interface BenchTable {
  readonly client: DynamoDBClient;
  readonly dynamo: DynamoDBDocumentClient;
  readonly tableName: string;
}

/**
 * Runs `bench` against a new table (the stack's own definition) in a DynamoDB Local started for it,
 * and stops DynamoDB Local afterwards whatever happens: one benchmark's data never skews another's.
 */
export async function withBenchTable<T>(name: string, bench: (table: BenchTable) => Promise<T>): Promise<T> {
  const local = await startDynamoDbLocal({});
  const client = localDynamoClient(local.endpoint);
  const tableName = `${name}-bench-${Date.now()}`;
  try {
    await ensureTable(client, tableName);
    return await bench({ client, dynamo: documentClient(client), tableName });
  } finally {
    client.destroy();
    await local.stop();
  }
}
