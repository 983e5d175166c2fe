import type { Survey } from '../../functions/csat/model.js';
import { CsatSettingsService } from '../../functions/csat/settings-service.js';
import { InMemoryCsatStore } from '../../functions/csat/store/in-memory-csat-store.js';
import { CsatEvents } from '../../functions/csat/survey-events-consumer.js';
import type { SurveyMailer } from '../../functions/csat/survey-mailer.js';
import { SurveyMailing } from '../../functions/csat/survey-mailing.js';
import { SurveyService } from '../../functions/csat/survey-service.js';
import { SurveyTimers } from '../../functions/csat/survey-timers.js';
import type { Caller } from '../../functions/shared/authz.js';
import type { Ticket, TicketSource, TicketType } from '../../functions/tickets/model.js';
import { type World, world } from '../tickets/world.js';

export const AGENT: Caller = { id: 'ann', email: 'ann@example.com', name: 'Ann', roles: new Set(['agent']) };
export const ADMIN: Caller = { id: 'root', email: null, name: 'Root', roles: new Set(['admin']) };
export const RITA: Caller = {
  id: 'rita',
  email: 'rita@example.com',
  name: 'Rita',
  roles: new Set(['requester']),
};
export const OLGA: Caller = {
  id: 'olga',
  email: 'olga@example.com',
  name: 'Olga',
  roles: new Set(['requester']),
};

/** The survey mails a test saw, with the token each carried (the only place a token exists in clear). */
export class RecordingMailer implements SurveyMailer {
  readonly sent: { ticketId: string; token: string; survey: Survey }[] = [];
  failNext = false;

  async send(input: { ticket: Ticket; survey: Survey; token: string }): Promise<'mailed'> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('SES is having a bad day');
    }
    this.sent.push({ ticketId: input.ticket.id, token: input.token, survey: input.survey });
    return 'mailed';
  }

  tokensFor(ticketId: string): string[] {
    return this.sent.filter((mail) => mail.ticketId === ticketId).map((mail) => mail.token);
  }
}

/**
 * CSAT use cases over in-memory stores: the tickets world (seeded groups and SLA policies, a clock
 * frozen at T0) plus the CSAT store, consumer, timers and routes' service. There is no bus here:
 * `resolve` and `reopen` hand the status change to the consumer as the rule would.
 */
export interface CsatWorld extends World {
  readonly csat: InMemoryCsatStore;
  readonly mailer: RecordingMailer;
  readonly events: CsatEvents;
  readonly timers: SurveyTimers;
  readonly surveys: SurveyService;
  readonly settings: CsatSettingsService;
  newTicket(fields?: { type?: TicketType; source?: TicketSource; email?: string | null }): Promise<Ticket>;
  resolve(id: string): Promise<Ticket>;
  reopen(id: string): Promise<Ticket>;
  ticket(id: string): Promise<Ticket>;
}

export async function csatWorld(): Promise<CsatWorld> {
  const w = await world();
  const csat = new InMemoryCsatStore(w.tickets);
  const mailer = new RecordingMailer();
  const mailing = new SurveyMailing(csat, w.tickets, mailer, w.clock, w.newId);
  const events = new CsatEvents(csat, w.tickets, mailing, w.clock, w.newId);
  const service = w.service();
  const statusChanged = (ticketId: string, from: string, to: string) =>
    events.onEvents([
      {
        detailType: 'Ticket Status Changed',
        detail: { ticketId, from, to, at: w.clock.now().toISOString() },
      },
    ]);
  return {
    ...w,
    csat,
    mailer,
    events,
    timers: new SurveyTimers(csat, w.tickets, mailing, w.clock, w.newId),
    surveys: new SurveyService(csat, w.tickets, w.clock, w.newId),
    settings: new CsatSettingsService(csat, w.clock),
    async newTicket(fields = {}) {
      return service.create(AGENT, {
        type: fields.type ?? 'incident',
        title: 'Printer jammed',
        requester: {
          id: 'rita',
          email: fields.email === undefined ? 'rita@example.com' : fields.email,
          name: 'Rita',
        },
        ...(fields.source ? { source: fields.source } : {}),
      });
    },
    async resolve(id) {
      const before = await service.get(AGENT, id);
      const after = await service.update(AGENT, id, {
        status: 'resolved',
        resolution: { code: 'fixed', notes: 'Replaced the drum' },
      });
      await statusChanged(id, before.status, 'resolved');
      return after;
    },
    async reopen(id) {
      const after = await service.update(RITA, id, { status: 'in_progress' });
      w.clock.advance(1);
      await statusChanged(id, 'resolved', 'in_progress');
      return after;
    },
    async ticket(id) {
      return (await w.tickets.get(id))!;
    },
  };
}
