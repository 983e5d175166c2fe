import type { SlaConfigStore } from '../../ports/sla-config-store.js';
import type { TicketStore } from '../../ports/ticket-store.js';
import { type Caller, canReadAllTickets } from '../authz.js';
import { ForbiddenError } from '../errors.js';
import type { Ticket, TicketType } from '../tickets/model.js';
import { type PriorityCompliance, slaReport } from './report.js';

/** Tickets one report reads at most; beyond it the report says `truncated`. */
const MAX_TICKETS = 10_000;
const PAGE = 100;

export interface SlaReport {
  readonly from: string;
  readonly to: string;
  readonly type: TicketType | null;
  readonly truncated: boolean;
  readonly priorities: PriorityCompliance[];
}

/** `GET /reports/sla`: one indexed range query over the period (paged), never a scan. */
export class SlaReportService {
  constructor(
    private readonly tickets: TicketStore,
    private readonly config: SlaConfigStore,
  ) {}

  async report(caller: Caller, from: Date, to: Date, type?: TicketType): Promise<SlaReport> {
    if (!canReadAllTickets(caller))
      throw new ForbiddenError('only agents, approvers and admins may read SLA reports');
    const [fromIso, toIso] = [from.toISOString(), to.toISOString()];
    const found: Ticket[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.tickets.listCreatedBetween(fromIso, toIso, { limit: PAGE, startKey });
      found.push(...page.items.filter((ticket) => type === undefined || ticket.type === type));
      startKey = page.lastKey;
    } while (startKey && found.length < MAX_TICKETS);
    const { calendars } = await this.config.load();
    return {
      from: fromIso,
      to: toIso,
      type: type ?? null,
      truncated: Boolean(startKey),
      priorities: slaReport(found, calendars),
    };
  }
}
