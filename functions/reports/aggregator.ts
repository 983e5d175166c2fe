import type { CausedIncident, ChangeFacts } from './change-facts.js';
import { changeFacts } from './change-facts.js';
import { changeLedger, csatLedger, ticketLedger } from './contributions.js';
import { type CsatEvent, csatFactKey } from './csat-events.js';
import { type AggregateChange, difference, isEmptyChange, type Ledger, touchedItems } from './ledger.js';
import type { ReportsStore } from './store/reports-store.js';
import { type TicketFacts, ticketFacts } from './ticket-facts.js';

export type ApplyOutcome = 'applied' | 'already' | 'unchanged' | 'ignored';

/** DynamoDB's limit on one transaction, less the marker. */
export const MAX_ACTIONS_PER_EVENT = 99;
/** Attempts when another writer moved a record's marker between our read and our write. */
const MAX_ATTEMPTS = 5;

type Raw = Readonly<Record<string, unknown>>;

/** A change's item and the incidents linked `caused_by_change` to it (their priority and creation time). */
export type ChangeState = (
  changeId: string,
) => Promise<{ readonly item: Raw | undefined; readonly caused: readonly CausedIncident[] }>;

/**
 * Keeps the report aggregates (docs/reports.md#how-the-figures-are-kept). Each change of a ticket or change
 * record is applied as the difference between what it contributes now and what is counted of it
 * (the per-record marker holds the version and facts counted), in one transaction with the
 * marker, conditional on the marker as read: a redelivered or older record is a no-op, and a
 * reopen subtracts the resolution's figures from the day they were added. CSAT events are
 * additive facts: each is applied once under an `AGGAPPLIED#<fact>` marker (the survey and what
 * happened to it, kept: functions/reports/csat-events.ts `csatFactKey`).
 * At most one transaction per event; the freshness mark follows outside it.
 */
export class ReportsAggregator {
  constructor(
    private readonly store: ReportsStore,
    private readonly timezone: string,
    private readonly changes: ChangeState = async () => ({ item: undefined, caused: [] }),
  ) {}

  /** A ticket item as it now is (undefined: removed), at its `version`. */
  async applyTicket(id: string, version: number, item: Raw | undefined, at: string): Promise<ApplyOutcome> {
    if (item && !ticketFacts(item) && !(await this.store.tracked(id))) return 'ignored';
    return this.applyTracked(
      id,
      version,
      at,
      (previous) => ticketFacts(item, previous as TicketFacts | undefined),
      (facts) => ticketLedger(facts as TicketFacts | undefined, this.timezone),
    );
  }

  /**
   * A change as it now is: its item and the incidents linked to it (both read afresh, so any
   * record of the change's partition may trigger it: the change item, or a `caused_by_change` link
   * written on it). The marker counts applications rather than change versions (a link does not
   * move the change's version); exactness comes from recomputing from the current state.
   */
  async applyChange(id: string, at: string): Promise<ApplyOutcome> {
    const { item, caused } = await this.changes(id);
    return this.applyTracked(
      id,
      undefined,
      at,
      () => changeFacts(item, caused),
      (facts) => changeLedger(facts as ChangeFacts | undefined, this.timezone),
    );
  }

  async applyCsat(event: CsatEvent): Promise<ApplyOutcome> {
    const change = difference(csatLedger(event, this.timezone), emptyLedger());
    checkSize(change, event.eventId);
    // Keyed by what happened (this survey's sending, answer…), not by the event's id, and kept:
    // a redelivered or republished event and the rebuild's replay of the survey all apply once.
    const outcome = await this.store.applyEvent(csatFactKey(event), change);
    if (outcome === 'applied') await this.store.markFresh(event.at);
    return outcome;
  }

  /** `version`: the record's own (ticket items); undefined: the next application (changes). */
  private async applyTracked(
    id: string,
    version: number | undefined,
    at: string,
    factsOf: (previous: unknown) => unknown,
    ledgerOf: (facts: unknown) => Ledger,
  ): Promise<ApplyOutcome> {
    for (let attempt = 1; ; attempt++) {
      const tracked = await this.store.tracked(id);
      if (tracked && version !== undefined && tracked.version >= version) return 'already';
      const previous = tracked?.facts ?? undefined;
      const facts = factsOf(previous) ?? null;
      const change = difference(ledgerOf(facts ?? undefined), ledgerOf(previous));
      if (isEmptyChange(change) && JSON.stringify(previous ?? null) === JSON.stringify(facts))
        return 'unchanged';
      checkSize(change, id);
      const next = version ?? (tracked?.version ?? 0) + 1;
      const outcome = await this.store.applyTracked(id, next, tracked?.version, facts, change);
      if (outcome === 'applied') {
        await this.store.markFresh(at);
        return 'applied';
      }
      if (attempt >= MAX_ATTEMPTS)
        throw new Error(`report aggregates of ${id}: still contended after ${attempt} attempts`);
    }
  }
}

function emptyLedger(): Ledger {
  return ticketLedger(undefined, 'UTC');
}

function checkSize(change: AggregateChange, id: string) {
  const actions = touchedItems(change);
  if (actions > MAX_ACTIONS_PER_EVENT)
    throw new Error(
      `report aggregates of ${id}: ${actions} items in one change, over ${MAX_ACTIONS_PER_EVENT}`,
    );
}
