import { DynamoCommentReader } from '../../../functions/email/store/mail-comment-reader.js';
import { DynamoTicketRepository } from '../../../functions/tickets/store/dynamodb-ticket-store.js';
import { createTestTable } from '../../support/dynamodb.js';
import { commentReaderContract } from './comment-reader.contract.js';

// The same contract against DynamoDB Local (integration project): a fresh table per test.
commentReaderContract('DynamoCommentReader', async () => {
  const table = await createTestTable('comments');
  return {
    comments: new DynamoCommentReader(table.dynamo, table.tableName),
    tickets: new DynamoTicketRepository(table.dynamo, table.tableName),
    cleanup: () => table.drop(),
  };
});
