import { DynamoPersonDirectory } from '../../../functions/email/store/mail-directory.js';
import { createTestTable } from '../../support/dynamodb.js';
import { personDirectoryContract } from './person-directory.contract.js';

// The same contract against DynamoDB Local (integration project): a fresh table per test.
personDirectoryContract('DynamoPersonDirectory', async () => {
  const table = await createTestTable('people');
  return { people: new DynamoPersonDirectory(table.dynamo, table.tableName), cleanup: () => table.drop() };
});
