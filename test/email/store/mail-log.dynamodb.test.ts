import { DynamoMailLog } from '../../../functions/email/store/mail-log.js';
import { createTestTable } from '../../support/dynamodb.js';
import { mailLogContract } from './mail-log.contract.js';

// The same contract against DynamoDB Local (integration project): a fresh table per test.
mailLogContract('DynamoMailLog', async () => {
  const table = await createTestTable('maillog');
  return { log: new DynamoMailLog(table.dynamo, table.tableName), cleanup: () => table.drop() };
});
