import { DynamoMailThreads } from '../../../functions/email/store/mail-threads.js';
import { createTestTable } from '../../support/dynamodb.js';
import { mailThreadStoreContract } from './mail-thread-store.contract.js';

// The same contract against DynamoDB Local (integration project): a fresh table per test.
mailThreadStoreContract('DynamoMailThreads', async () => {
  const table = await createTestTable('threads');
  return { threads: new DynamoMailThreads(table.dynamo, table.tableName), cleanup: () => table.drop() };
});
