import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoTicketRepository } from '../../../functions/tickets/store/dynamodb-ticket-store.js';
import { ticketIndexKeys, ticketKey } from '../../../functions/tickets/store/ticket-keys.js';
import { ticket } from '../../domain/fixtures.js';
import { createTestTable } from '../../support/dynamodb.js';
import { ticketQueueContract } from './ticket-queues.contract.js';
import { ticketStoreContract } from './ticket-store.contract.js';

// The same contract against DynamoDB Local (integration project): a fresh table per test.
ticketStoreContract('DynamoTicketRepository', async () => {
  const table = await createTestTable('tickets');
  return {
    store: new DynamoTicketRepository(table.dynamo, table.tableName),
    cleanup: () => table.drop(),
  };
});

ticketQueueContract('DynamoTicketRepository', async () => {
  const table = await createTestTable('queues');
  return {
    store: new DynamoTicketRepository(table.dynamo, table.tableName),
    cleanup: () => table.drop(),
  };
});

describe('DynamoTicketRepository on items written before the CMDB fields', () => {
  it('reads them with the defaults: no service, none affected, no unknown CIs', async () => {
    const table = await createTestTable('tickets');
    const store = new DynamoTicketRepository(table.dynamo, table.tableName);
    const { serviceId, serviceIdSource, affectedServices, unknownCiIds, ...legacy } = ticket({
      id: 'INC-000900',
    });
    await table.dynamo.send(
      new PutCommand({
        TableName: table.tableName,
        Item: { ...ticketKey(legacy.id), ...ticketIndexKeys(ticket({ id: legacy.id })), ...legacy },
      }),
    );
    const defaults = { serviceId: null, serviceIdSource: null, affectedServices: [], unknownCiIds: [] };
    expect(await store.get(legacy.id)).toEqual({ ...legacy, ...defaults });
    expect((await store.list({}, { limit: 10 })).items).toEqual([{ ...legacy, ...defaults }]);
    await table.drop();
  });
});
