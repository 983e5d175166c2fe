import { afterAll } from 'vitest';
import { DynamoKnownErrorStore } from '../../../functions/problems/store/dynamodb-error-store.js';
import { createTestTable, type TestTable } from '../../support/dynamodb.js';
import { knownErrorStoreContract } from './error-store.contract.js';

const tables: TestTable[] = [];
afterAll(async () => {
  await Promise.all(tables.map((table) => table.drop()));
});

knownErrorStoreContract('DynamoDB', async () => {
  const table = await createTestTable('ke');
  tables.push(table);
  return new DynamoKnownErrorStore(table.dynamo, table.tableName);
});
