import { afterAll } from 'vitest';
import { DynamoReportsStore } from '../../../functions/reports/store/dynamodb-reports-store.js';
import { createTestTable, type TestTable } from '../../support/dynamodb.js';
import { reportsStoreContract } from './reports-store.contract.js';

const tables: TestTable[] = [];
afterAll(async () => {
  await Promise.all(tables.map((table) => table.drop()));
});

reportsStoreContract('DynamoDB', async () => {
  const table = await createTestTable('reports');
  tables.push(table);
  return new DynamoReportsStore(table.dynamo, table.tableName);
});
