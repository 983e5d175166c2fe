import { afterAll } from 'vitest';
import { DynamoFreezeWindowRepository } from '../../../functions/changes/store/dynamodb-freeze-window-store.js';
import { createTestTable, type TestTable } from '../../support/dynamodb.js';
import { freezeWindowStoreContract } from './freeze-window-store.contract.js';

const tables: TestTable[] = [];
afterAll(async () => {
  await Promise.all(tables.map((table) => table.drop()));
});

freezeWindowStoreContract('DynamoDB', async () => {
  const table = await createTestTable('freezes');
  tables.push(table);
  return new DynamoFreezeWindowRepository(table.dynamo, table.tableName);
});
