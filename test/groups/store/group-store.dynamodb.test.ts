import { DynamoGroupRepository } from '../../../functions/groups/store/dynamodb-group-store.js';
import { createTestTable } from '../../support/dynamodb.js';
import { groupStoreContract } from './group-store.contract.js';

// The same contract against DynamoDB Local (integration project): a fresh table per test.
groupStoreContract('DynamoGroupRepository', async () => {
  const table = await createTestTable('groups');
  return {
    store: new DynamoGroupRepository(table.dynamo, table.tableName),
    cleanup: () => table.drop(),
  };
});
