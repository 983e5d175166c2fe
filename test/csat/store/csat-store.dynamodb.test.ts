import { afterAll } from 'vitest';
import { DynamoCsatStore } from '../../../functions/csat/store/dynamodb-csat-store.js';
import { DynamoTicketRepository } from '../../../functions/tickets/store/dynamodb-ticket-store.js';
import { createTestTable, type TestTable } from '../../support/dynamodb.js';
import { csatStoreContract } from './csat-store.contract.js';

const tables: TestTable[] = [];
afterAll(async () => {
  await Promise.all(tables.map((table) => table.drop()));
});

csatStoreContract('DynamoDB', async () => {
  const table = await createTestTable('csat');
  tables.push(table);
  return {
    tickets: new DynamoTicketRepository(table.dynamo, table.tableName),
    store: new DynamoCsatStore(table.dynamo, table.tableName),
  };
});
