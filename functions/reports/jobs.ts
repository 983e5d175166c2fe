import type { Clock } from '../shared/clock/clock.js';
import type { Page } from '../shared/store.js';
import type { ApplyOutcome, ReportsAggregator } from './aggregator.js';
import { addDays, dayOf, startOfDay } from './period.js';
import type { Family } from './store/report-keys.js';
import type { ReportsStore } from './store/reports-store.js';

/** Records (tickets, changes) created in `[fromIso, toIso)`, a page at a time, through the creation-time index. */
export type CreatedRecords = (
  fromIso: string,
  toIso: string,
  startKey: Record<string, unknown> | undefined,
) => Promise<Page<Readonly<Record<string, unknown>>>>;

export interface RebuildResult {
  readonly from: string;
  readonly to: string;
  readonly tickets: number;
  readonly changes: number;
  readonly applied: number;
}

/** The nightly snapshot runs at 00:05 report time (docs/reports.md#backlog-age). */
export const SNAPSHOT_AFTER_MINUTES = 5;
const BACKLOG_FAMILIES: readonly Family[] = ['INC', 'REQ'];

/**
 * The reports' background jobs (never on a request path): the rebuild replays tickets and changes
 * created in a range through the aggregator (idempotent: the per-record markers skip what is
 * counted already), and the nightly snapshot copies the live backlog at the end of a day.
 */
export class ReportJobs {
  /** The last day this instance snapshotted: the every-minute check then reads nothing. */
  private snapshotted = '';

  constructor(
    private readonly aggregator: ReportsAggregator,
    private readonly store: ReportsStore,
    private readonly created: { readonly tickets: CreatedRecords; readonly changes: CreatedRecords },
    private readonly clock: Clock,
    private readonly timezone: string,
  ) {}

  async rebuild(range: { from: string; to: string }): Promise<RebuildResult> {
    const fromIso = startOfDay(range.from, this.timezone).toISOString();
    const toIso = startOfDay(range.to, this.timezone).toISOString();
    let applied = 0;
    const replay = async (
      pages: CreatedRecords,
      apply: (record: Readonly<Record<string, unknown>>) => Promise<ApplyOutcome>,
    ) => {
      let startKey: Record<string, unknown> | undefined;
      let records = 0;
      do {
        const page = await pages(fromIso, toIso, startKey);
        for (const record of page.items) {
          records++;
          if ((await apply(record)) === 'applied') applied++;
        }
        startKey = page.lastKey;
      } while (startKey);
      return records;
    };
    const updatedAt = (record: Readonly<Record<string, unknown>>) =>
      String(record.updatedAt ?? record.createdAt);
    const tickets = await replay(this.created.tickets, (ticket) =>
      this.aggregator.applyTicket(String(ticket.id), Number(ticket.version), ticket, updatedAt(ticket)),
    );
    // A change is recomputed from its item and incident links as they are now.
    const changes = await replay(this.created.changes, (change) =>
      this.aggregator.applyChange(String(change.id), updatedAt(change)),
    );
    return { from: range.from, to: range.to, tickets, changes, applied };
  }

  /**
   * Writes the snapshot of yesterday's backlog (report time) once it is 00:05 or later and it is
   * not written yet; returns the snapshots written. Safe to call every minute (the sweeper) and on
   * a schedule: a written snapshot is never rewritten.
   */
  async snapshotIfDue(): Promise<string[]> {
    const now = this.clock.now();
    const today = dayOf(now, this.timezone);
    const due = startOfDay(today, this.timezone).getTime() + SNAPSHOT_AFTER_MINUTES * 60_000;
    if (now.getTime() < due) return [];
    const day = addDays(today, -1);
    if (this.snapshotted === day) return [];
    const written: string[] = [];
    for (const family of BACKLOG_FAMILIES) {
      const items = await this.store.readOpen(family);
      // Nothing ever open: nothing to keep (the day then reads as having no snapshot).
      if (items.length === 0) continue;
      if (await this.store.writeSnapshot(family, day, items)) written.push(`${family}#${day}`);
    }
    this.snapshotted = day;
    return written;
  }
}
