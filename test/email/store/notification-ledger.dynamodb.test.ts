import { DynamoNotificationLedger } from '../../../functions/email/store/mail-notification-ledger.js';
import { createTestTable } from '../../support/dynamodb.js';
import { notificationLedgerContract } from './notification-ledger.contract.js';

// The same contract against DynamoDB Local (integration project): a fresh table per test.
notificationLedgerContract('DynamoNotificationLedger', async () => {
  const table = await createTestTable('notify');
  return { ledger: new DynamoNotificationLedger(table.dynamo, table.tableName), cleanup: () => table.drop() };
});
