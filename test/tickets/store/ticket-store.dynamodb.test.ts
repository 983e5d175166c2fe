import { DynamoTicketRepository } from '../../../functions/tickets/store/dynamodb-ticket-store.js';
import { createTestTable } from '../../support/dynamodb.js';
import { ticketStoreContract } from './ticket-store.contract.js';

// The same contract against DynamoDB Local (integration project): a fresh table per test.
ticketStoreContract('DynamoTicketRepository', async () => {
  const table = await createTestTable('tickets');
  return {
    store: new DynamoTicketRepository(table.dynamo, table.tableName),
    cleanup: () => table.drop(),
  };
});
