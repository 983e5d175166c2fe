import type { Clock } from '../shared/clock/clock.js';
import type { Page } from '../shared/store.js';
import type { ApplyOutcome, ReportsAggregator } from './aggregator.js';
import { csatEventsOfSurvey } from './csat-events.js';
import { addDays, dayOf, startOfDay } from './period.js';
import type { Family } from './store/report-keys.js';
import type { ReportsStore } from './store/reports-store.js';

/** Records created (tickets, changes) or mailed (surveys) in `[fromIso, toIso)`, a page at a time, through `byKind`. */
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
  readonly surveys: number;
  readonly applied: number;
}

/** The nightly snapshot runs at 00:05 report time (docs/reports.md#backlog-age). */
export const SNAPSHOT_AFTER_MINUTES = 5;
const BACKLOG_FAMILIES: readonly Family[] = ['INC', 'REQ'];

/**
 * The reports' background jobs (never on a request path): the rebuild replays the tickets and
 * changes created and the surveys mailed in a range through the aggregator (idempotent: the
 * per-record and per-fact markers skip what is counted already), and the nightly snapshot copies
 * the live backlog at the end of a day.
 */
export class ReportJobs {
  /** The last day this instance snapshotted: the every-minute check then reads nothing. */
  private snapshotted = '';

  constructor(
    private readonly aggregator: ReportsAggregator,
    private readonly store: ReportsStore,
    private readonly created: {
      readonly tickets: CreatedRecords;
      readonly changes: CreatedRecords;
      readonly surveys: CreatedRecords;
    },
    private readonly clock: Clock,
    private readonly timezone: string,
  ) {}

  async rebuild(range: { from: string; to: string }): Promise<RebuildResult> {
    const fromIso = startOfDay(range.from, this.timezone).toISOString();
    const toIso = startOfDay(range.to, this.timezone).toISOString();
    let applied = 0;
    const replay = async (
      pages: CreatedRecords,
      apply: (record: Readonly<Record<string, unknown>>) => Promise<number>,
    ) => {
      let startKey: Record<string, unknown> | undefined;
      let records = 0;
      do {
        const page = await pages(fromIso, toIso, startKey);
        for (const record of page.items) {
          records++;
          applied += await apply(record);
        }
        startKey = page.lastKey;
      } while (startKey);
      return records;
    };
    const updatedAt = (record: Readonly<Record<string, unknown>>) =>
      String(record.updatedAt ?? record.createdAt);
    const counted = (outcome: ApplyOutcome) => (outcome === 'applied' ? 1 : 0);
    const tickets = await replay(this.created.tickets, async (ticket) =>
      counted(
        await this.aggregator.applyTicket(
          String(ticket.id),
          Number(ticket.version),
          ticket,
          updatedAt(ticket),
        ),
      ),
    );
    // A change is recomputed from its item and incident links as they are now.
    const changes = await replay(this.created.changes, async (change) =>
      counted(await this.aggregator.applyChange(String(change.id), updatedAt(change))),
    );
    // A survey stands for its sending and its end; each applies once under its fact key.
    const surveys = await replay(this.created.surveys, async (survey) => {
      let applied = 0;
      for (const event of csatEventsOfSurvey(survey))
        applied += counted(await this.aggregator.applyCsat(event));
      return applied;
    });
    return { from: range.from, to: range.to, tickets, changes, surveys, applied };
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
