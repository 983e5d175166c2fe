import { actorOf, type Caller } from '../shared/authz.js';
import type { Clock } from '../shared/clock/clock.js';
import { withOptimisticRetry } from '../shared/optimistic.js';
import type { SlaConfigStore } from '../sla/store/sla-config-store.js';
import { DEFAULT_AUTO_CLOSE_DAYS, withAutoClose } from '../tickets/auto-close.js';
import { isCascadeTarget } from '../tickets/known-error-suggestions.js';
import type { CascadeMode, HistoryEntry } from '../tickets/model.js';
import { applyUpdate, updateHistory } from '../tickets/rules.js';
import { withSla } from '../tickets/service.js';
import type { TicketStore } from '../tickets/store/ticket-store.js';
import { KNOWN_ERROR_ID_PATTERN } from './model.js';
import type { KnownErrorStore } from './store/error-store.js';

/** The events the problems consumer takes (lib/problems.ts's rule; bin/local/problem-events.ts). */
export const PROBLEM_EVENT_TYPES = ['Known Error Applied', 'Ticket Status Changed'] as const;

export interface ProblemEvent {
  readonly detailType: string;
  readonly detail: Record<string, unknown>;
}

export interface ProblemEventsOutcome {
  readonly usageCounted: number;
  readonly cascades: readonly { problemId: string; resolved: string[]; skipped: string[] }[];
}

/**
 * Stream work of problems (docs/problems.md#cascade, #usage): usage counts from `Known Error
 * Applied` (once per application, derived bookkeeping: no history, no events), and the cascade of
 * a problem resolved with one. Each pending incident is resolved in its own transaction,
 * conditional on its version (a re-read decides again after a race), and only while it is still
 * open and the problem still resolved, so a retried event resolves nobody twice and loses nobody.
 */
export class ProblemEvents {
  constructor(
    private readonly tickets: TicketStore,
    private readonly knownErrors: KnownErrorStore,
    private readonly slaConfig: SlaConfigStore,
    private readonly clock: Clock,
    private readonly newId: () => string,
  ) {}

  async onEvents(events: readonly ProblemEvent[]): Promise<ProblemEventsOutcome> {
    let usageCounted = 0;
    const cascades: { problemId: string; resolved: string[]; skipped: string[] }[] = [];
    for (const event of events) {
      if (event.detailType === 'Known Error Applied') {
        if (await this.countUsage(event.detail)) usageCounted++;
      } else if (event.detailType === 'Ticket Status Changed' && isCascade(event.detail)) {
        cascades.push(await this.cascade(event.detail as unknown as CascadeDetail));
      }
    }
    return { usageCounted, cascades };
  }

  private async countUsage(detail: Record<string, unknown>): Promise<boolean> {
    const id = detail.knownErrorId;
    const applicationId = detail.applicationId;
    if (typeof id !== 'string' || !KNOWN_ERROR_ID_PATTERN.test(id) || typeof applicationId !== 'string')
      return false;
    const error = await this.knownErrors.get(id);
    if (!error) return false;
    return this.knownErrors.recordUsage(applicationId, error, {
      applied: 1,
      resolved: detail.resolved === true ? 1 : 0,
    });
  }

  private async cascade(
    detail: CascadeDetail,
  ): Promise<{ problemId: string; resolved: string[]; skipped: string[] }> {
    const problemId = detail.ticketId;
    const resolver: Caller = {
      id: detail.resolver?.id ?? 'system',
      name: detail.resolver?.name ?? null,
      email: null,
      roles: new Set(['agent']),
    };
    const notes = `Resolved by ${problemId}: ${detail.resolutionNotes ?? ''}`.slice(0, 60_000);
    const resolved: string[] = [];
    const skipped: string[] = [];
    for (const incidentId of detail.cascade.pending) {
      const outcome = await this.resolveOne(incidentId, problemId, detail.cascade.mode, resolver, notes);
      (outcome ? resolved : skipped).push(incidentId);
    }
    const now = this.clock.now().toISOString();
    const entry: HistoryEntry = {
      // One completion per resolution event: a retried event writes the same id, which is kept once.
      id: `cascade-${detail.eventId ?? problemId}`.slice(0, 36),
      recordId: problemId,
      at: detail.at ?? now,
      actor: actorOf(resolver),
      action: 'updated',
      changes: [],
      events: [
        {
          detailType: 'Problem Cascade Completed',
          detail: { problemId, mode: detail.cascade.mode, resolved, skipped },
        },
      ],
    };
    await this.knownErrors.appendHistory(`TICKET#${problemId}`, entry);
    return { problemId, resolved, skipped };
  }

  /** True when this run resolved the incident; false when it was skipped (not open, or the problem reopened). */
  private resolveOne(
    incidentId: string,
    problemId: string,
    mode: Exclude<CascadeMode, 'none'>,
    resolver: Caller,
    notes: string,
  ): Promise<boolean> {
    return withOptimisticRetry(async () => {
      const [incident, problem, config] = await Promise.all([
        this.tickets.get(incidentId),
        this.tickets.get(problemId),
        this.slaConfig.load(),
      ]);
      if (!incident || !problem || problem.status !== 'resolved') return false;
      if (!isCascadeTarget(mode, incident)) return false;
      const stamp = { now: this.clock.now().toISOString(), eventId: this.newId() };
      const result = applyUpdate(
        incident,
        { status: 'resolved', resolution: { code: 'fixed', notes } },
        resolver,
        stamp,
      );
      const scheduled = withAutoClose(incident, result.ticket, DEFAULT_AUTO_CLOSE_DAYS);
      const { ticket: after, events } = withSla(incident, scheduled, config, stamp);
      const history = updateHistory(incident, result, resolver, stamp);
      const withCause: HistoryEntry = {
        ...history,
        events: [
          ...history.events.map((event) =>
            event.detailType === 'Ticket Status Changed'
              ? { ...event, detail: { ...event.detail, cause: { problemId } } }
              : event,
          ),
          ...events,
        ],
      };
      // The problem still at the version read (so still resolved) joins the transaction as a
      // condition; a reopen in between cancels it, and the next round decides again.
      await this.tickets.commit(
        [{ before: incident, after, history: withCause }],
        this.knownErrors.problemUnchanged(problem.id, problem.version),
      );
      return true;
    });
  }
}

interface CascadeDetail {
  readonly ticketId: string;
  readonly to: string;
  readonly cascade: { mode: Exclude<CascadeMode, 'none'>; pending: string[] };
  readonly resolver?: { id: string; name: string | null };
  readonly resolutionNotes?: string;
  readonly eventId?: string;
  readonly at?: string;
}

function isCascade(detail: Record<string, unknown>): boolean {
  const cascade = detail.cascade as { mode?: unknown; pending?: unknown } | undefined;
  return (
    detail.to === 'resolved' &&
    typeof detail.ticketId === 'string' &&
    !!cascade &&
    (cascade.mode === 'all_open' || cascade.mode === 'awaiting_problem') &&
    Array.isArray(cascade.pending)
  );
}
