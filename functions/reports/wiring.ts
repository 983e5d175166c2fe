import { DynamoChangeRepository } from '../changes/store/dynamodb-change-store.js';
import { DynamoIncidentLinkStore } from '../changes/store/dynamodb-incident-link-store.js';
import { DynamoCsatStore } from '../csat/store/dynamodb-csat-store.js';
import type { Page, PageRequest } from '../shared/store.js';
import type { TableDeps } from '../shared/wiring/deps.js';
import { ticketStore } from '../tickets/store/wiring.js';
import { type ChangeState, ReportsAggregator } from './aggregator.js';
import type { CausedIncident } from './change-facts.js';
import { type CreatedRecords, ReportJobs } from './jobs.js';
import { reportsStore } from './store/wiring.js';

export { DEFAULT_REPORTS_TIMEZONE } from './model.js';

/** A change's item and the incidents linked to it: ≤ 2 parallel reads, then the incidents (GetItem each). */
export function changeState(deps: TableDeps): ChangeState {
  const changes = new DynamoChangeRepository(deps.dynamo, deps.tableName);
  const links = new DynamoIncidentLinkStore(deps.dynamo, deps.tableName);
  const tickets = ticketStore(deps);
  return async (changeId) => {
    const [change, linked] = await Promise.all([changes.get(changeId), links.list(changeId)]);
    const incidents = await Promise.all(linked.map((link) => tickets.get(link.targetId)));
    return {
      item: change as unknown as Readonly<Record<string, unknown>> | undefined,
      caused: incidents
        .filter((ticket) => ticket !== undefined)
        .map(
          (ticket): CausedIncident => ({
            id: ticket.id,
            priority: ticket.priority,
            createdAt: ticket.createdAt,
          }),
        ),
    };
  };
}

type RangePages = (from: string, to: string, page: PageRequest) => Promise<Page<object>>;

/** Tickets and changes by creation time, surveys by mailing time, through `byKind`, 100 a page. */
export function createdRecords(deps: TableDeps) {
  const pagesOf =
    (list: RangePages): CreatedRecords =>
    async (fromIso, toIso, startKey) => {
      const page = await list(fromIso, toIso, { limit: 100, startKey });
      return {
        items: page.items as Readonly<Record<string, unknown>>[],
        ...(page.lastKey ? { lastKey: page.lastKey } : {}),
      };
    };
  const tickets = ticketStore(deps);
  const changes = new DynamoChangeRepository(deps.dynamo, deps.tableName);
  const surveys = new DynamoCsatStore(deps.dynamo, deps.tableName);
  return {
    tickets: pagesOf((from, to, page) => tickets.listCreatedBetween(from, to, page)),
    changes: pagesOf((from, to, page) => changes.listCreatedBetween(from, to, page)),
    surveys: pagesOf((from, to, page) => surveys.listSentBetween(from, to, page)),
  };
}

export function reportsAggregator(deps: TableDeps, timezone: string): ReportsAggregator {
  return new ReportsAggregator(reportsStore(deps), timezone, changeState(deps));
}

export function reportJobs(deps: TableDeps, timezone: string): ReportJobs {
  return new ReportJobs(
    reportsAggregator(deps, timezone),
    reportsStore(deps),
    createdRecords(deps),
    deps.clock,
    timezone,
  );
}
