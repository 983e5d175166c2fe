import { DynamoViewStore } from '../../../functions/tickets/store/dynamodb-view-store.js';
import { createTestTable } from '../../support/dynamodb.js';
import { viewStoreContract } from './view-store.contract.js';

viewStoreContract('DynamoViewStore', async () => {
  const table = await createTestTable('views');
  return { views: new DynamoViewStore(table.dynamo, table.tableName), cleanup: () => table.drop() };
});
