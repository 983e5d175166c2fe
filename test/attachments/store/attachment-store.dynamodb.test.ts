import { afterAll } from 'vitest';
import { DynamoAttachmentRepository } from '../../../functions/attachments/store/dynamodb-attachment-store.js';
import { createTestTable, type TestTable } from '../../support/dynamodb.js';
import { attachmentStoreContract } from './attachment-store.contract.js';

const tables: TestTable[] = [];
afterAll(async () => {
  await Promise.all(tables.map((table) => table.drop()));
});

attachmentStoreContract('DynamoDB', async () => {
  const table = await createTestTable('attachments');
  tables.push(table);
  return new DynamoAttachmentRepository(table.dynamo, table.tableName);
});
