import { afterAll } from 'vitest';
import { DynamoCmdbRepository } from '../../../functions/cmdb/store/dynamodb-cmdb-store.js';
import { DynamoDrPostureStore } from '../../../functions/cmdb/store/dynamodb-dr-posture-store.js';
import { createTestTable, type TestTable } from '../../support/dynamodb.js';
import { drPostureStoreContract } from './dr-posture-store.contract.js';

const tables: TestTable[] = [];
afterAll(async () => {
  await Promise.all(tables.map((table) => table.drop()));
});

drPostureStoreContract('DynamoDB', async () => {
  const table = await createTestTable('drposture');
  tables.push(table);
  return {
    cmdb: new DynamoCmdbRepository(table.dynamo, table.tableName),
    posture: new DynamoDrPostureStore(table.dynamo, table.tableName),
  };
});
