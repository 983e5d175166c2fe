import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { ciKey } from '../../../functions/cmdb/store/cmdb-keys.js';
import { RelationshipRefusedError } from '../../../functions/cmdb/store/cmdb-store.js';
import { DynamoCmdbRepository } from '../../../functions/cmdb/store/dynamodb-cmdb-store.js';
import { createTestTable, type TestTable } from '../../support/dynamodb.js';
import { aCi, anEntry, aRelationshipWrite } from './cmdb-fixtures.js';
import { cmdbStoreContract } from './cmdb-store.contract.js';

const tables: TestTable[] = [];
afterAll(async () => {
  await Promise.all(tables.map((table) => table.drop()));
});

async function openTable(): Promise<TestTable> {
  const table = await createTestTable('cmdb');
  tables.push(table);
  return table;
}

cmdbStoreContract('DynamoDB', async () => {
  const table = await openTable();
  return new DynamoCmdbRepository(table.dynamo, table.tableName);
});

describe('DynamoCmdbRepository: the relationship limit', () => {
  // The contract's bulk test takes ~575 transactions; here the counter is set at the limit.
  it('refuses a 501st relationship in one direction by the condition on the counter', async () => {
    const table = await openTable();
    const store = new DynamoCmdbRepository(table.dynamo, table.tableName);
    const hub = aCi('hub');
    const other = aCi('other');
    await store.putCi({ after: hub, history: anEntry(hub, 'created') });
    await store.putCi({ after: other, history: anEntry(other, 'created') });
    await table.dynamo.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: ciKey('hub'),
        UpdateExpression: 'SET relationshipsOut = :limit',
        ExpressionAttributeValues: { ':limit': 500 },
      }),
    );
    const refused = await store.addRelationship(aRelationshipWrite(hub, 'depends_on', other)).catch((e) => e);
    expect(refused).toBeInstanceOf(RelationshipRefusedError);
    expect((refused as RelationshipRefusedError).refusal).toEqual({ kind: 'limit', ciId: 'hub' });
    // The other direction keeps its own count.
    expect(await store.addRelationship(aRelationshipWrite(other, 'depends_on', hub))).toBe(true);
  });
});
