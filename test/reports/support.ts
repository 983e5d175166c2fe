import { ReportsAggregator } from '../../functions/reports/aggregator.js';
import type { CausedIncident } from '../../functions/reports/change-facts.js';
import { type ReportDeps, ReportService } from '../../functions/reports/report-service.js';
import { InMemoryReportsStore } from '../../functions/reports/store/in-memory-reports-store.js';
import type { Caller } from '../../functions/shared/authz.js';
import { TestClock } from '../../functions/shared/clock/test-clock.js';
import { ALWAYS_ON_CALENDAR } from '../../functions/sla/calendar.js';

/** A ticket item as the table stores it, with the fields the reports read. */
export function ticketItem(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'INC-000001',
    type: 'incident',
    status: 'new',
    priority: 3,
    group: 'network',
    assignee: null,
    serviceId: null,
    affectedServices: [],
    source: 'api',
    createdAt: '2026-03-02T09:00:00.000Z',
    updatedAt: '2026-03-02T09:00:00.000Z',
    resolvedAt: null,
    sla: null,
    version: 1,
    ...overrides,
  };
}

export const agent: Caller = { id: 'agent-1', email: null, name: null, roles: new Set(['agent']) };
export const admin: Caller = { id: 'admin-1', email: null, name: null, roles: new Set(['admin']) };
export const requester: Caller = { id: 'req-1', email: null, name: null, roles: new Set(['requester']) };

export function reportWorld(timezone = 'UTC', overrides: Partial<ReportDeps> = {}) {
  const store = new InMemoryReportsStore();
  const clock = new TestClock();
  clock.set(new Date('2026-03-20T12:00:00.000Z'));
  /** Changes as the aggregator reads them: the item and its caused incidents. */
  const changes = new Map<string, { item: Record<string, unknown>; caused: CausedIncident[] }>();
  const aggregator = new ReportsAggregator(
    store,
    timezone,
    async (id) => changes.get(id) ?? { item: undefined, caused: [] },
  );
  const rebuilds: { from: string; to: string }[] = [];
  const reports = new ReportService({
    store,
    clock,
    timezone,
    serviceHours: async (serviceId) =>
      serviceId === 'mail'
        ? { calendar: { ...ALWAYS_ON_CALENDAR, version: 1, updatedAt: '' }, target: 99.5 }
        : undefined,
    startRebuild: async (range) => {
      rebuilds.push(range);
    },
    ...overrides,
  });
  return { store, clock, aggregator, reports, rebuilds, changes };
}

/** Applies a ticket's successive states as the stream would deliver them (versions 1, 2, ...). */
export async function applyVersions(
  aggregator: ReportsAggregator,
  states: readonly Record<string, unknown>[],
): Promise<void> {
  for (const [index, state] of states.entries()) {
    const item = ticketItem({ ...state, version: index + 1 });
    await aggregator.applyTicket(String(item.id), index + 1, item, String(item.updatedAt));
  }
}
