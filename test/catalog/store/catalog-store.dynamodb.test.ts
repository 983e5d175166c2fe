import { afterAll, describe, expect, it } from 'vitest';
import { DynamoCatalogRepository } from '../../../functions/catalog/store/dynamodb-catalog-store.js';
import { newTicket } from '../../../functions/tickets/rules.js';
import { DynamoTicketRepository } from '../../../functions/tickets/store/dynamodb-ticket-store.js';
import { caller } from '../../cmdb/cmdb-world.js';
import { createTestTable, type TestTable } from '../../support/dynamodb.js';
import { catalogStoreContract } from './catalog-store.contract.js';

const tables: TestTable[] = [];
afterAll(async () => {
  await Promise.all(tables.map((table) => table.drop()));
});

async function openTable(): Promise<TestTable> {
  const table = await createTestTable('catalog');
  tables.push(table);
  return table;
}

catalogStoreContract('DynamoDB', async () => {
  const table = await openTable();
  return new DynamoCatalogRepository(table.dynamo, table.tableName);
});

describe('DynamoCatalogRepository: approval timers ride in the ticket transaction', () => {
  it('lands with the ticket, and not at all when the ticket write fails', async () => {
    const table = await openTable();
    const catalog = new DynamoCatalogRepository(table.dynamo, table.tableName);
    const tickets = new DynamoTicketRepository(table.dynamo, table.tableName);
    const now = '2026-11-23T10:00:00.000Z';
    const ticket = newTicket(
      'REQ-000001',
      { type: 'service_request', title: 'Laptop' },
      caller('rita', ['requester']),
      { now, eventId: 'h1' },
    );
    const history = {
      id: '01JZTIMER00000000000000001',
      recordId: ticket.id,
      at: now,
      actor: { id: 'rita', name: null },
      action: 'created' as const,
      changes: [],
      events: [],
    };
    const companion = catalog.approvalDueCompanion(ticket.id, '2026-11-24T10:00:00.000Z');
    await tickets.commit([{ after: ticket, history }], companion);
    expect(companion.wasCarried()).toBe(true);
    expect(
      (await catalog.listApprovalDue('2026-11-25T00:00:00.000Z', { limit: 5 })).items.map((d) => d.ticketId),
    ).toEqual(['REQ-000001']);
    // The same ticket created again fails its condition: the timer's clearing does not land either.
    const again = catalog.approvalDueCompanion(ticket.id, null);
    await expect(
      tickets.commit([{ after: ticket, history: { ...history, id: '01JZTIMER00000000000000002' } }], again),
    ).rejects.toBeDefined();
    expect(again.wasCarried()).toBe(false);
    expect((await catalog.listApprovalDue('2026-11-25T00:00:00.000Z', { limit: 5 })).items).toHaveLength(1);
  });
});
