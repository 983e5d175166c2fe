import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { AlertRaceError } from '../../../functions/alerts/store/alert-store.js';
import { DynamoAlertStore } from '../../../functions/alerts/store/dynamodb-alert-store.js';
import { cancellationReasons } from '../../../functions/shared/dynamodb/transactions.js';
import { createTestTable, type TestTable } from '../../support/dynamodb.js';
import { alertStoreContract, aRecord } from './alert-store.contract.js';

const tables: TestTable[] = [];
afterAll(async () => {
  await Promise.all(tables.map((table) => table.drop()));
});

async function openTable(): Promise<TestTable> {
  const table = await createTestTable('alerts');
  tables.push(table);
  return table;
}

alertStoreContract('DynamoDB', async () => {
  const table = await openTable();
  return new DynamoAlertStore(table.dynamo, table.tableName);
});

describe('DynamoAlertStore: the record joins another transaction', () => {
  it('a companion put is conditional like saveRecord and names its race', async () => {
    const table = await openTable();
    const store = new DynamoAlertStore(table.dynamo, table.tableName);
    await store.saveRecord(aRecord('i', 'k'), 0);
    const companion = store.recordCompanion(aRecord('i', 'k', { version: 2 }), 0);
    const error = await table.dynamo
      .send(new TransactWriteCommand({ TransactItems: [...companion.items] }))
      .catch((e: unknown) => e);
    const reasons = cancellationReasons(error);
    expect(reasons).toBeDefined();
    expect(companion.cancelled(reasons!)).toBeInstanceOf(AlertRaceError);
    const fresh = store.recordCompanion(aRecord('i', 'k', { version: 2 }), 1);
    await table.dynamo.send(new TransactWriteCommand({ TransactItems: [...fresh.items] }));
    expect((await store.getRecord('i', 'k'))?.version).toBe(2);
  });
});
