import { GroupMembers } from '../../functions/catalog/access.js';
import { ApprovalTimers } from '../../functions/catalog/approval-timers.js';
import { CatalogItemService } from '../../functions/catalog/item-service.js';
import type { CatalogItemInput } from '../../functions/catalog/model.js';
import { RequestService } from '../../functions/catalog/request-service.js';
import { InMemoryCatalogStore } from '../../functions/catalog/store/in-memory-catalog-store.js';
import { StoreCiDirectory } from '../../functions/cmdb/ci-directory.js';
import type { Group } from '../../functions/groups/model.js';
import { InMemoryTable } from '../../functions/shared/memory/in-memory-table.js';
import type { HistoryEntry } from '../../functions/tickets/model.js';
import { InMemoryTicketStore } from '../../functions/tickets/store/in-memory-ticket-store.js';
import { admin, at, caller, cmdbWorld } from '../cmdb/cmdb-world.js';

export { admin, agent, approver, at, caller, rejection, requester, T0 } from '../cmdb/cmdb-world.js';

/** Members of the catalog's groups: approvers Ava (it) and Abe (it, finance); agents Pat (procurement), Dan (desktop). */
export const ava = caller('ava', ['approver'], 'Ava');
export const abe = caller('abe', ['approver'], 'Abe');
export const pat = caller('pat', ['agent'], 'Pat');
export const dan = caller('dan', ['agent'], 'Dan');
export const rita = caller('rita', ['requester'], 'Rita');
export const otto = caller('otto', ['requester'], 'Otto');

const GROUPS: Record<string, string[]> = {
  'it-approvers': ['ava', 'abe'],
  'finance-approvers': ['abe'],
  procurement: ['pat'],
  desktop: ['dan'],
  employees: ['rita'],
};

/** The laptop item of docs/catalog.md#a-worked-example: a developer laptop needs approval. */
export function laptopInput(fields: Partial<CatalogItemInput> = {}): CatalogItemInput {
  return {
    name: 'New laptop',
    description: 'A laptop for work',
    category: 'hardware',
    serviceId: 'workplace',
    status: 'published',
    audience: { groups: ['employees'] },
    formSchema: {
      type: 'object',
      properties: {
        model: { type: 'string', enum: ['standard', 'developer'] },
        justification: { type: 'string', maxLength: 500 },
        neededBy: { type: 'string', format: 'date' },
      },
      required: ['model'],
      additionalProperties: false,
    },
    approval: {
      policy: 'all',
      groups: ['it-approvers', 'finance-approvers'],
      requiredWhen: { type: 'object', properties: { model: { const: 'developer' } }, required: ['model'] },
      escalateAfterHours: 24,
      expireAfterHours: 72,
    },
    fulfilment: {
      steps: [
        { id: 'order', name: 'Order the laptop', groupId: 'procurement' },
        { id: 'image', name: 'Install the image', groupId: 'desktop', after: ['order'] },
        { id: 'accounts', name: 'Set up accounts', groupId: 'desktop', after: ['order'] },
        { id: 'handover', name: 'Hand it over', groupId: 'desktop', after: ['image', 'accounts'] },
      ],
    },
    defaults: { impact: 3, urgency: 2, category: 'hardware' },
    ...fields,
  };
}

export type CatalogWorld = Awaited<ReturnType<typeof catalogWorld>>;

export async function catalogWorld() {
  const cmdb = await cmdbWorld();
  for (const [id, members] of Object.entries(GROUPS)) {
    const group: Group = {
      id,
      name: id,
      members,
      email: `${id}@example.com`,
      calendarId: null,
      createdAt: at(0),
      updatedAt: at(0),
      version: 1,
    };
    await cmdb.groups.put(group, 0);
  }
  await cmdb.putService('workplace', { portfolioStatus: 'live', supportGroup: 'service-desk' });
  await cmdb.putService('labs', { portfolioStatus: 'pipeline' });
  const now = () => cmdb.clock.now().getTime();
  const tickets = new InMemoryTicketStore();
  const catalog = new InMemoryCatalogStore(new InMemoryTable(now));
  const members = new GroupMembers(cmdb.groups, cmdb.clock);
  const directory = new StoreCiDirectory(cmdb.store, cmdb.clock);
  const items = new CatalogItemService(
    catalog,
    cmdb.groups,
    members,
    directory,
    cmdb.schemas,
    cmdb.clock,
    cmdb.newId,
  );
  const requests = new RequestService(
    tickets,
    catalog,
    cmdb.sla,
    members,
    directory,
    cmdb.schemas,
    cmdb.clock,
    cmdb.newId,
  );
  const timers = new ApprovalTimers(tickets, catalog, cmdb.sla, cmdb.clock, cmdb.newId);
  return {
    ...cmdb,
    tickets,
    catalog,
    items,
    requests,
    timers,
    putItem: async (id: string, fields: Partial<CatalogItemInput> = {}) =>
      (await items.put(admin, id, laptopInput(fields), undefined)).item,
    /** Every history entry of a ticket, oldest first. */
    history: async (id: string): Promise<HistoryEntry[]> =>
      (await tickets.listHistory(id, { limit: 100 })).items,
    events: async (id: string): Promise<string[]> =>
      (await tickets.listHistory(id, { limit: 100 })).items.flatMap((entry) =>
        entry.events.map((e) => e.detailType),
      ),
  };
}
