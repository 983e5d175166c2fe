import { DynamoSlaConfigRepository } from '../../../functions/sla/store/dynamodb-sla-config-store.js';
import { createTestTable } from '../../support/dynamodb.js';
import { slaConfigStoreContract } from './sla-config-store.contract.js';

// The same contract against DynamoDB Local (integration project): a fresh table per test.
slaConfigStoreContract('DynamoSlaConfigRepository', async () => {
  const table = await createTestTable('slaconfig');
  return {
    store: new DynamoSlaConfigRepository(table.dynamo, table.tableName),
    cleanup: () => table.drop(),
  };
});
