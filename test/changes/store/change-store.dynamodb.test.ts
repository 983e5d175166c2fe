import { afterAll } from 'vitest';
import { DynamoChangeRepository } from '../../../functions/changes/store/dynamodb-change-store.js';
import { createTestTable, type TestTable } from '../../support/dynamodb.js';
import { changeStoreContract } from './change-store.contract.js';

const tables: TestTable[] = [];
afterAll(async () => {
  await Promise.all(tables.map((table) => table.drop()));
});

changeStoreContract('DynamoDB', async () => {
  const table = await createTestTable('changes');
  tables.push(table);
  return new DynamoChangeRepository(table.dynamo, table.tableName);
});
