import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { StaleWriteError } from '../../functions/shared/store.js';
import type { Ticket } from '../../functions/tickets/model.js';
import { applyUpdate, creationHistory, updateHistory } from '../../functions/tickets/rules.js';
import { DynamoTicketRepository } from '../../functions/tickets/store/dynamodb-ticket-store.js';
import { agent, alice, stamp, ticket } from '../domain/fixtures.js';
import { createTestTable } from '../support/dynamodb.js';

// Against DynamoDB Local: the real engine's transactions, conditions and GSIs.
describe('DynamoTicketRepository', () => {
  let repo: DynamoTicketRepository;
  let table: Awaited<ReturnType<typeof createTestTable>>;

  beforeAll(async () => {
    table = await createTestTable();
    repo = new DynamoTicketRepository(table.dynamo, table.tableName);
  });

  async function create(overrides: Partial<Ticket>): Promise<Ticket> {
    const t = ticket(overrides);
    await repo.commit([{ after: t, history: creationHistory(t, alice, stamp()) }]);
    return t;
  }

  async function itemsUnder(id: string) {
    const out = await table.dynamo.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': `TICKET#${id}` },
      }),
    );
    return (out.Items ?? []).map((item) => item.SK as string);
  }

  it('counts each type separately, without gaps', async () => {
    const first = await repo.nextSequence('problem');
    expect(await repo.nextSequence('problem')).toBe(first + 1);
    expect(await repo.nextSequence('service_request')).toBe(1);
  });

  it('round-trips a ticket without leaking key attributes', async () => {
    const t = await create({ id: 'INC-000100', ciIds: ['db1'] });
    const read = await repo.get(t.id);
    expect(read).toEqual(t);
    expect(Object.keys(read!)).not.toContain('PK');
    expect(await itemsUnder(t.id)).toEqual(expect.arrayContaining(['TICKET', 'CI#db1']));
  });

  it('a stale version fails the whole transaction: no ticket change, no history', async () => {
    const t = await create({ id: 'INC-000101' });
    const s1 = stamp();
    const first = applyUpdate(t, { status: 'in_progress' }, agent, s1);
    await repo.commit([{ before: t, after: first.ticket, history: updateHistory(t, first, agent, s1) }]);
    const s2 = stamp();
    const second = applyUpdate(t, { title: 'from a stale read' }, agent, s2);
    const error = await repo
      .commit([{ before: t, after: second.ticket, history: updateHistory(t, second, agent, s2) }])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StaleWriteError);
    expect((error as StaleWriteError).currentVersion).toBe(2);
    expect((await repo.get(t.id))!.title).toBe(t.title);
    const history = await repo.listHistory(t.id, { limit: 10 });
    expect(history.items.map((h) => h.action)).toEqual(['created', 'updated']);
  });

  it('moves CI membership items with ciIds', async () => {
    const t = await create({ id: 'INC-000102', ciIds: ['a', 'b'] });
    const s = stamp();
    const result = applyUpdate(t, { ciIds: ['b', 'c'] }, agent, s);
    await repo.commit([{ before: t, after: result.ticket, history: updateHistory(t, result, agent, s) }]);
    expect((await itemsUnder(t.id)).filter((sk) => sk.startsWith('CI#')).sort()).toEqual(['CI#b', 'CI#c']);
    const byCi = await repo.list({ ciId: 'c' }, { limit: 10 });
    expect(byCi.items.map((x) => x.id)).toEqual([t.id]);
    expect((await repo.list({ ciId: 'a' }, { limit: 10 })).items.map((x) => x.id)).not.toContain(t.id);
  });

  it('serves each filter from its index, newest first, narrowing by the rest', async () => {
    const base = { requester: { id: 'zed', email: null, name: null } };
    await create({
      ...base,
      id: 'INC-000200',
      createdAt: '2026-01-01T00:00:01.000Z',
      status: 'new',
      assignee: 'ann',
      group: 'net',
    });
    await create({
      ...base,
      id: 'INC-000201',
      createdAt: '2026-01-01T00:00:02.000Z',
      status: 'in_progress',
      assignee: 'ann',
    });
    await create({
      ...base,
      id: 'PRB-000202',
      type: 'problem',
      createdAt: '2026-01-01T00:00:03.000Z',
      group: 'net',
      priority: 1,
    });
    const ids = async (query: Parameters<DynamoTicketRepository['list']>[0]) =>
      (await repo.list(query, { limit: 50 })).items.map((x) => x.id);
    expect(await ids({ requester: 'zed' })).toEqual(['PRB-000202', 'INC-000201', 'INC-000200']);
    expect(await ids({ assignee: 'ann' })).toEqual(['INC-000201', 'INC-000200']);
    expect(await ids({ group: 'net', type: 'problem' })).toEqual(['PRB-000202']);
    expect(await ids({ requester: 'zed', status: 'in_progress' })).toEqual(['INC-000201']);
    expect(await ids({ requester: 'zed', priority: 1 })).toEqual(['PRB-000202']);
    expect(await ids({ assignee: 'nobody' })).toEqual([]);
  });

  it('pages resume exactly where they stopped', async () => {
    const requester = { id: 'pager', email: null, name: null };
    for (let i = 0; i < 5; i++) {
      await create({
        id: `REQ-00030${i}`,
        type: 'service_request',
        requester,
        createdAt: `2026-02-01T00:00:0${i}.000Z`,
      });
    }
    const seen: string[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await repo.list({ requester: 'pager' }, { limit: 2, startKey });
      seen.push(...page.items.map((x) => x.id));
      startKey = page.lastKey;
    } while (startKey);
    expect(seen).toEqual(['REQ-000304', 'REQ-000303', 'REQ-000302', 'REQ-000301', 'REQ-000300']);
  });

  it('writes an outbox record (history with events) for every change', async () => {
    const t = await create({ id: 'INC-000400' });
    const history = await table.dynamo.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :h)',
        ExpressionAttributeValues: { ':pk': `TICKET#${t.id}`, ':h': 'HISTORY#' },
      }),
    );
    expect(history.Items?.[0]?.events).toEqual([expect.objectContaining({ detailType: 'Ticket Created' })]);
    const meta = await table.dynamo.send(
      new GetCommand({ TableName: table.tableName, Key: { PK: `TICKET#${t.id}`, SK: 'TICKET' } }),
    );
    expect(meta.Item?.statusPk).toBe('ticket#new');
  });
});
