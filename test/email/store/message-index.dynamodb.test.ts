import { DynamoMessageIndex } from '../../../functions/email/store/message-id-index.js';
import { DynamoTicketRepository } from '../../../functions/tickets/store/dynamodb-ticket-store.js';
import { createTestTable } from '../../support/dynamodb.js';
import { messageIndexContract } from './message-index.contract.js';

// The same contract against DynamoDB Local (integration project): a fresh table per test.
messageIndexContract('DynamoMessageIndex', async () => {
  const table = await createTestTable('msgid');
  return {
    index: new DynamoMessageIndex(table.dynamo, table.tableName),
    tickets: new DynamoTicketRepository(table.dynamo, table.tableName),
    cleanup: () => table.drop(),
  };
});
