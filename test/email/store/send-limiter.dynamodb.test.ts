import { DynamoSendLimiter } from '../../../functions/email/store/mail-send-limiter.js';
import { createTestTable } from '../../support/dynamodb.js';
import { sendLimiterContract } from './send-limiter.contract.js';

// The same contract against DynamoDB Local (integration project): a fresh table per test.
sendLimiterContract('DynamoSendLimiter', async () => {
  const table = await createTestTable('mailrate');
  return { limiter: new DynamoSendLimiter(table.dynamo, table.tableName), cleanup: () => table.drop() };
});
