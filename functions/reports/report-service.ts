import { type Caller, canReadAllTickets, isAdmin } from '../shared/authz.js';
import type { Clock } from '../shared/clock/clock.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../shared/errors.js';
import type { Calendar } from '../sla/calendar.js';
import { availability, type OutageInterval } from './availability.js';
import { ALL } from './contributions.js';
import {
  addDays,
  checkRange,
  type GroupBy,
  type Interval,
  monthSk,
  type PeriodQuery,
  periodsOf,
  readPlan,
  startOfDay,
  todayIn,
} from './period.js';
import { backlogFigures, changeFigures, csatFigures, incidentFigures, type Sums, sumItems } from './rows.js';
import { dayItemPk, type Family, valuesAttribute } from './store/report-keys.js';
import type { Item, ReportsStore } from './store/reports-store.js';

/** Values one groupBy reads at most; beyond it the report says `truncated: true`. */
export const MAX_GROUP_VALUES = 200;
/** Value partitions read at once. */
const READ_CONCURRENCY = 25;

export type TicketReportType = 'incident' | 'service_request';
export type ChangeGroupBy = 'none' | 'type' | 'risk' | 'service';

/** What availability needs of a service: its hours calendar and target. */
export interface ServiceHours {
  readonly calendar: Calendar;
  readonly target: number | null;
}
export type ServiceHoursLookup = (serviceId: string) => Promise<ServiceHours | undefined>;

/** Starts a rebuild in the background (an async invoke on AWS, in-process locally). */
export type RebuildStarter = (range: { from: string; to: string }) => Promise<void>;

export interface ReportDeps {
  readonly store: ReportsStore;
  readonly clock: Clock;
  readonly timezone: string;
  readonly serviceHours: ServiceHoursLookup;
  readonly startRebuild: RebuildStarter;
}

/** Reads per partition, for the bench and the docs: how many Query pages a report took. */
export interface ReadStats {
  partitions: number;
  pages: number;
  maxPagesPerPartition: number;
}

export function assertReportReader(caller: Caller): void {
  if (!canReadAllTickets(caller)) throw new ForbiddenError('only agents, approvers and admins read reports');
}

export function assertRebuilder(caller: Caller): void {
  if (!isAdmin(caller)) throw new ForbiddenError('only admins rebuild report aggregates');
}

/**
 * The reports (docs/reports.md): each value's figures are one Query over its day items
 * (`SK BETWEEN from AND to`, ≤ 366 items); a groupBy first reads the `all` partition, whose items
 * list the values seen each day, then every value's partition concurrently (≤ 200).
 */
export class ReportService {
  lastRead: ReadStats = { partitions: 0, pages: 0, maxPagesPerPartition: 0 };

  constructor(private readonly deps: ReportDeps) {}

  async incidents(caller: Caller, query: PeriodQuery & { type: TicketReportType }) {
    assertReportReader(caller);
    checkRange(query.from, query.to);
    const family: Family = query.type === 'incident' ? 'INC' : 'REQ';
    const grouped = await this.grouped(family, query);
    return {
      ...echo(query),
      type: query.type,
      rows: grouped.rows.map(({ key, period, sums }) => ({
        key,
        ...periodField(period),
        ...incidentFigures(sums),
      })),
      truncated: grouped.truncated,
      freshness: await this.freshness(),
    };
  }

  async csat(caller: Caller, query: PeriodQuery) {
    assertReportReader(caller);
    checkRange(query.from, query.to);
    const grouped = await this.grouped('CSAT', query);
    return {
      ...echo(query),
      rows: grouped.rows.map(({ key, period, sums }) => ({
        key,
        ...periodField(period),
        ...csatFigures(sums),
      })),
      truncated: grouped.truncated,
      freshness: await this.freshness(),
    };
  }

  async changes(caller: Caller, query: PeriodQuery<ChangeGroupBy>) {
    assertReportReader(caller);
    checkRange(query.from, query.to);
    const grouped = await this.grouped('CHG', query);
    return {
      ...echo(query),
      rows: grouped.rows.map(({ key, period, sums }) => ({
        key,
        ...periodField(period),
        ...changeFigures(sums),
      })),
      truncated: grouped.truncated,
      freshness: await this.freshness(),
    };
  }

  async backlog(
    caller: Caller,
    query: { at?: string | undefined; type: TicketReportType; groupBy: GroupBy },
  ) {
    assertReportReader(caller);
    const today = todayIn(this.deps.clock.now(), this.deps.timezone);
    const at = query.at ?? today;
    if (at > today)
      throw new ValidationError([
        { path: 'at', message: `must not be after today (${today}, ${this.deps.timezone})` },
      ]);
    const family: Family = query.type === 'incident' ? 'INC' : 'REQ';
    const live = at === today;
    const items = live
      ? await this.deps.store.readOpen(family)
      : await this.deps.store.readSnapshot(family, at);
    const prefix = `${query.groupBy === 'none' ? ALL : query.groupBy}#`;
    const chosen = (items ?? [])
      .filter((item) => String(item.SK).startsWith(prefix))
      .map((item) => ({ key: String(item.SK).slice(prefix.length), ...backlogFigures(item, at) }))
      .filter((row) => row.open > 0 || query.groupBy === 'none')
      .sort((a, b) => b.open - a.open || (a.key < b.key ? -1 : 1));
    const rows =
      chosen.length === 0 && query.groupBy === 'none' && items
        ? [{ key: ALL, ...backlogFigures({}, at) }]
        : chosen;
    return {
      at,
      type: query.type,
      groupBy: query.groupBy,
      source: live ? 'live' : items ? 'snapshot' : 'none',
      rows: rows.slice(0, MAX_GROUP_VALUES),
      truncated: rows.length > MAX_GROUP_VALUES,
      freshness: await this.freshness(),
    };
  }

  async availability(caller: Caller, query: { serviceId: string; from: string; to: string }) {
    assertReportReader(caller);
    checkRange(query.from, query.to);
    const [hours, intervals, asOf] = await Promise.all([
      this.deps.serviceHours(query.serviceId),
      this.deps.store.readOutages(
        query.serviceId,
        // Outages starting up to a year before the window may still run into it.
        startOfDay(addDays(query.from, -366), this.deps.timezone).toISOString(),
        startOfDay(query.to, this.deps.timezone).toISOString(),
      ),
      this.deps.store.freshness(),
    ]);
    if (!hours) throw new NotFoundError(`service ${query.serviceId} not found`);
    const from = startOfDay(query.from, this.deps.timezone);
    const now = this.deps.clock.now();
    // Only the elapsed part of the window counts, for service time and open outages alike.
    const to = new Date(Math.min(startOfDay(query.to, this.deps.timezone).getTime(), now.getTime()));
    const inWindow = (intervals as unknown as OutageInterval[])
      .map((item) => ({ incidentId: item.incidentId, start: item.start, end: item.end ?? null }))
      .filter(
        (outage) =>
          Date.parse(outage.start) < to.getTime() &&
          (outage.end === null || Date.parse(outage.end) > from.getTime()),
      )
      .sort((a, b) =>
        a.start < b.start ? -1 : a.start > b.start ? 1 : a.incidentId < b.incidentId ? -1 : 1,
      );
    const figures =
      to > from
        ? availability(inWindow, hours.calendar, from, to, hours.target)
        : { serviceMinutes: 0, outageMinutes: 0, availabilityPercent: null, targetMet: null };
    return {
      serviceId: query.serviceId,
      from: query.from,
      to: query.to,
      ...figures,
      target: hours.target,
      calendarId: hours.calendar.id,
      outages: inWindow,
      freshness: { asOf },
    };
  }

  async rebuild(caller: Caller, range: { from: string; to: string }) {
    assertRebuilder(caller);
    checkRange(range.from, range.to);
    await this.deps.startRebuild(range);
    return { from: range.from, to: range.to, status: 'started' as const };
  }

  private async freshness() {
    return { asOf: await this.deps.store.freshness() };
  }

  /** Rows per value (and period): the `all` partition, then each value's partition concurrently. */
  private async grouped(family: Family, query: PeriodQuery<string>) {
    const plan = readPlan(query.from, query.to, query.interval);
    const ranges = [
      ...plan.dayRanges,
      ...(plan.months.length > 0
        ? [{ from: monthSk(plan.months[0]!), to: monthSk(plan.months.at(-1)!) }]
        : []),
    ];
    const stats: ReadStats = { partitions: 0, pages: 0, maxPagesPerPartition: 0 };
    // One value: its day range (≤ 92 days), or its edge days and whole months, read together.
    const read = async (pk: string) => {
      const outs = await Promise.all(
        ranges.map((range) => this.deps.store.readDays(pk, range.from, range.to)),
      );
      stats.partitions++;
      for (const out of outs) {
        stats.pages += out.pages;
        stats.maxPagesPerPartition = Math.max(stats.maxPagesPerPartition, out.pages);
      }
      return outs.flatMap((out) => out.items);
    };
    const allItems = await read(dayItemPk(family, ALL, ALL));
    let partitions: { key: string; items: readonly Item[] }[];
    let truncated = false;
    if (query.groupBy === 'none') partitions = [{ key: ALL, items: allItems }];
    else {
      const values = this.valuesOf(query, allItems);
      truncated = values.length > MAX_GROUP_VALUES;
      const chosen = values.slice(0, MAX_GROUP_VALUES);
      partitions = await mapConcurrently(chosen, READ_CONCURRENCY, async (value) => ({
        key: value,
        items: await read(dayItemPk(family, query.groupBy, value)),
      }));
    }
    this.lastRead = stats;
    const rows: { key: string; period: string | null; sums: Sums }[] = [];
    const periods = periodsOf(query.from, query.to, query.interval);
    const wholeMonths = new Set(plan.months);
    for (const { key, items } of partitions) {
      const bySk = new Map(items.map((item) => [String(item.SK), item]));
      for (const { period, days } of periods) {
        // A day of a month read whole counts through its month item (once); any other day by itself.
        const sks = new Set(days.map((day) => (wholeMonths.has(day.slice(0, 7)) ? monthSk(day) : day)));
        const sums = sumItems([...sks].flatMap((sk) => (bySk.has(sk) ? [bySk.get(sk)!] : [])));
        if (
          query.groupBy !== 'none' &&
          Object.values(sums).every((value) => value === 0) &&
          query.interval === 'none'
        )
          continue;
        rows.push({ key, period, sums });
      }
    }
    return { rows, truncated };
  }

  /**
   * The values a dimension had in the period: the `all` items the report reads anyway list the
   * values seen each day, so the list costs no read of its own.
   */
  private valuesOf(query: PeriodQuery<string>, allItems: readonly Item[]): string[] {
    const values = new Set<string>();
    for (const item of allItems) {
      const listed = item[valuesAttribute(query.groupBy)];
      if (listed instanceof Set || Array.isArray(listed))
        for (const value of listed) values.add(String(value));
    }
    return [...values].sort();
  }
}

function echo(query: PeriodQuery<string>) {
  return { from: query.from, to: query.to, groupBy: query.groupBy, interval: query.interval };
}

function periodField(period: string | null) {
  return period === null ? {} : { period };
}

async function mapConcurrently<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  });
  await Promise.all(workers);
  return results;
}

export type { Interval };
