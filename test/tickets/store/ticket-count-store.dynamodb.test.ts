import { DynamoTicketCountStore } from '../../../functions/tickets/store/dynamodb-ticket-count-store.js';
import { createTestTable } from '../../support/dynamodb.js';
import { ticketCountStoreContract } from './ticket-count-store.contract.js';

ticketCountStoreContract('DynamoTicketCountStore', async () => {
  const table = await createTestTable('counts');
  return { counts: new DynamoTicketCountStore(table.dynamo, table.tableName), cleanup: () => table.drop() };
});
