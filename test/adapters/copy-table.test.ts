import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyTable } from '../../bin/restore/copy-table.js';
import { createTestTable, type TestTable } from '../support/dynamodb.js';

// The copy step of the restore procedure (docs/operations.md), rehearsed against DynamoDB Local:
// `restored` plays the table a point-in-time restore creates, `live` the table the stack uses.
describe('copyTable (restore from a point-in-time copy)', () => {
  let restored: TestTable;

  const ticket = (id: string, title: string, version: number) => ({
    PK: `TICKET#${id}`,
    SK: 'TICKET',
    title,
    version,
    kindPk: 'TICKET',
    listSk: `2026-11-01T00:00:00.000Z#${id}`,
  });
  const counter = (sequence: number) => ({ PK: 'COUNTER#INC', SK: 'COUNTER', sequence });

  beforeAll(async () => {
    restored = await createTestTable('restored');
    // 60 tickets spread over several scan segments, and the counter as it was at the restore point.
    for (let n = 1; n <= 60; n += 1) {
      await restored.dynamo.send(
        new PutCommand({ TableName: restored.tableName, Item: ticket(`INC-${n}`, `as restored ${n}`, 1) }),
      );
    }
    await restored.dynamo.send(new PutCommand({ TableName: restored.tableName, Item: counter(60) }));
  });
  afterAll(() => restored.drop());

  async function get(table: TestTable, pk: string, sk: string) {
    const out = await table.dynamo.send(
      new GetCommand({ TableName: table.tableName, Key: { PK: pk, SK: sk } }),
    );
    return out.Item;
  }

  it('overwrite: fills a fresh table with every item, keys and index attributes included', async () => {
    const fresh = await createTestTable('fresh');
    const result = await copyTable({
      client: restored.client,
      from: restored.tableName,
      to: fresh.tableName,
      mode: 'overwrite',
      segments: 3,
    });
    expect(result).toEqual({ scanned: 61, written: 61, kept: 0 });
    expect(await get(fresh, 'TICKET#INC-42', 'TICKET')).toEqual(ticket('INC-42', 'as restored 42', 1));
    expect((await get(fresh, 'COUNTER#INC', 'COUNTER'))?.sequence).toBe(60);
    await fresh.drop();
  });

  it('overwrite into the live table: rolls back old items, keeps newer ones, never lowers a counter', async () => {
    const live = await createTestTable('live');
    const put = (Item: Record<string, unknown>) =>
      live.dynamo.send(new PutCommand({ TableName: live.tableName, Item }));
    await put(ticket('INC-7', 'corrupted by a bad script', 5)); // existed at the restore point
    await put(ticket('INC-61', 'created after the restore point', 1));
    await put(counter(61));

    const result = await copyTable({
      client: restored.client,
      from: restored.tableName,
      to: live.tableName,
      mode: 'overwrite',
    });
    expect(result).toEqual({ scanned: 61, written: 60, kept: 1 });
    expect((await get(live, 'TICKET#INC-7', 'TICKET'))?.title).toBe('as restored 7');
    expect((await get(live, 'TICKET#INC-61', 'TICKET'))?.title).toBe('created after the restore point');
    // Restoring 60 would make the next ticket INC-61 again.
    expect((await get(live, 'COUNTER#INC', 'COUNTER'))?.sequence).toBe(61);
    await live.drop();
  });

  it('only-missing: brings back deleted items and changes nothing that exists', async () => {
    const live = await createTestTable('live');
    await live.dynamo.send(
      new PutCommand({ TableName: live.tableName, Item: ticket('INC-7', 'edited since, on purpose', 2) }),
    );

    const result = await copyTable({
      client: restored.client,
      from: restored.tableName,
      to: live.tableName,
      mode: 'only-missing',
    });
    expect(result).toEqual({ scanned: 61, written: 60, kept: 1 });
    expect((await get(live, 'TICKET#INC-7', 'TICKET'))?.title).toBe('edited since, on purpose');
    expect((await get(live, 'TICKET#INC-8', 'TICKET'))?.title).toBe('as restored 8');
    await live.drop();
  });

  it('dry run: counts and writes nothing', async () => {
    const fresh = await createTestTable('fresh');
    const result = await copyTable({
      client: restored.client,
      from: restored.tableName,
      to: fresh.tableName,
      mode: 'overwrite',
      dryRun: true,
    });
    expect(result).toEqual({ scanned: 61, written: 0, kept: 0 });
    expect(await get(fresh, 'TICKET#INC-1', 'TICKET')).toBeUndefined();
    await fresh.drop();
  });
});
