import { actorOf, type Caller } from '../shared/authz.js';
import type { Clock } from '../shared/clock/clock.js';
import { ConflictError, NotFoundError } from '../shared/errors.js';
import { withOptimisticRetry } from '../shared/optimistic.js';
import type { SlaConfigStore } from '../sla/store/sla-config-store.js';
import { readTicket, readVisibleTicket } from '../tickets/access.js';
import { DEFAULT_AUTO_CLOSE_DAYS, withAutoClose } from '../tickets/auto-close.js';
import { linkTickets } from '../tickets/links.js';
import { commentCause } from '../tickets/metrics.js';
import type { HistoryEntry, Ticket } from '../tickets/model.js';
import { addComment, applyUpdate, diff } from '../tickets/rules.js';
import { withSla } from '../tickets/service.js';
import type { TicketStore, TicketWrite } from '../tickets/store/ticket-store.js';
import { assertSuggestionReader } from './access.js';
import type { KnownErrorStore } from './store/error-store.js';

export interface ApplyInput {
  readonly visibility: 'public' | 'internal';
  readonly resolve?: boolean;
}

export interface SuggestionView {
  readonly id: string;
  readonly title: string;
  readonly workaround: string;
  readonly matchedOn: Ticket['suggestedKnownErrors'][number]['matchedOn'];
  readonly score: number;
}

/**
 * Known errors on incidents (docs/problems.md#applying-a-known-error): the suggestions stored at
 * creation, and applying one: its workaround as a comment, the incident linked `caused_by` the
 * error's problem, optionally resolved with code `workaround`, all in one ticket transaction whose
 * `Known Error Applied` event the stream turns into usage counts.
 */
export class KnownErrorApplication {
  constructor(
    private readonly tickets: TicketStore,
    private readonly knownErrors: KnownErrorStore,
    private readonly slaConfig: SlaConfigStore,
    private readonly clock: Clock,
    private readonly newId: () => string,
  ) {}

  /** The incident's stored suggestions that are still published, with their workaround. */
  async suggestions(caller: Caller, ticketId: string): Promise<SuggestionView[]> {
    assertSuggestionReader(caller);
    const ticket = await readVisibleTicket(this.tickets, caller, ticketId);
    const stored = ticket.suggestedKnownErrors;
    const errors = new Map((await this.knownErrors.getMany(stored.map((s) => s.id))).map((e) => [e.id, e]));
    return stored.flatMap((suggestion) => {
      const error = errors.get(suggestion.id);
      if (error?.status !== 'published') return [];
      return [
        {
          id: error.id,
          title: error.title,
          workaround: error.workaround,
          matchedOn: suggestion.matchedOn,
          score: suggestion.score,
        },
      ];
    });
  }

  /**
   * Round trips: the incident, the error and the SLA config in parallel; the problem when a link is
   * still to be made (the error names it); then one transaction.
   */
  apply(caller: Caller, ticketId: string, knownErrorId: string, input: ApplyInput): Promise<Ticket> {
    assertSuggestionReader(caller);
    return withOptimisticRetry(async () => {
      const [incident, error, config] = await Promise.all([
        readVisibleTicket(this.tickets, caller, ticketId),
        this.knownErrors.get(knownErrorId),
        this.slaConfig.load(),
      ]);
      if (!error) throw new NotFoundError(`known error ${knownErrorId} does not exist`);
      if (incident.type !== 'incident') {
        throw new ConflictError(`${incident.id} is a ${incident.type}; known errors apply to incidents`, {
          code: 'not_an_incident',
        });
      }
      const problemId = error.problemId;
      const linked = incident.links.some((link) => link.targetId === problemId);
      const problem = problemId && !linked ? await readTicket(this.tickets, problemId) : undefined;

      const now = this.clock.now().toISOString();
      const eventId = this.newId();
      const commented = addComment(
        incident,
        { body: error.workaround, visibility: input.visibility },
        caller,
        { now, eventId, commentId: this.newId() },
      );
      let ticket = commented.ticket;
      if (input.resolve) {
        ticket = applyUpdate(
          ticket,
          {
            status: 'resolved',
            resolution: { code: 'workaround', notes: `Workaround from ${error.id} applied` },
          },
          caller,
          { now, eventId },
        ).ticket;
      }
      let problemWrite: TicketWrite | undefined;
      if (problem && problem.type === 'problem') {
        const result = linkTickets(ticket, problem, 'caused_by', caller, [
          { now, eventId },
          { now, eventId: this.newId() },
        ]);
        ticket = result.source;
        problemWrite = { before: problem, after: result.target, history: result.histories[1] };
      }
      const scheduled = withAutoClose(
        incident,
        { ...ticket, version: incident.version + 1, updatedAt: now },
        DEFAULT_AUTO_CLOSE_DAYS,
      );
      // The workaround comment is an agent's reply: public, it meets the first response and counts
      // towards the metrics (functions/tickets/metrics.ts).
      const { ticket: after, events: slaEvents } = withSla(
        incident,
        scheduled,
        config,
        { now, eventId },
        input.visibility === 'public',
        commentCause('agent', input.visibility),
      );
      const changes = diff(incident, after);
      const status = changes.find((change) => change.field === 'status');
      const history: HistoryEntry = {
        id: eventId,
        recordId: incident.id,
        at: now,
        actor: actorOf(caller),
        action: 'updated',
        changes: [
          { field: 'comments', from: null, to: { id: commented.comment.id, visibility: input.visibility } },
          ...changes,
        ],
        events: [
          {
            detailType: 'Comment Added',
            detail: { ticketId: incident.id, commentId: commented.comment.id, visibility: input.visibility },
          },
          { detailType: 'Ticket Updated', detail: { ticketId: incident.id, changes } },
          ...(status
            ? [
                {
                  detailType: 'Ticket Status Changed',
                  detail: { ticketId: incident.id, from: status.from, to: status.to },
                },
              ]
            : []),
          {
            detailType: 'Known Error Applied',
            detail: {
              knownErrorId: error.id,
              ticketId: incident.id,
              problemId,
              resolved: input.resolve === true,
              visibility: input.visibility,
              // The usage consumer counts each application once, by this id.
              applicationId: eventId,
            },
          },
          ...slaEvents,
        ],
      };
      await this.tickets.commit([
        { before: incident, after, history, comment: commented.comment },
        ...(problemWrite ? [problemWrite] : []),
      ]);
      return after;
    });
  }
}
