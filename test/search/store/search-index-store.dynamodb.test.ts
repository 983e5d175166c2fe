import { afterAll } from 'vitest';
import { DynamoSearchIndexStore } from '../../../functions/search/store/dynamodb-search-index-store.js';
import { createTestTable, type TestTable } from '../../support/dynamodb.js';
import { searchIndexStoreContract } from './search-index-store.contract.js';

const tables: TestTable[] = [];
afterAll(async () => {
  await Promise.all(tables.map((table) => table.drop()));
});

searchIndexStoreContract('DynamoDB', async () => {
  const table = await createTestTable('search');
  tables.push(table);
  return new DynamoSearchIndexStore(table.dynamo, table.tableName);
});
