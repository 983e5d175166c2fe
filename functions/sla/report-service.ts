import { type Caller, canReadAllTickets } from '../shared/authz.js';
import { ForbiddenError } from '../shared/errors.js';
import type { Ticket, TicketType } from '../tickets/model.js';
import type { TicketStore } from '../tickets/store/ticket-store.js';
import { type PriorityCompliance, slaReport } from './report.js';
import type { SlaConfigStore } from './store/sla-config-store.js';

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
    assertReportReader(caller);
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

/** Reports are read with agent read rights. */
export function assertReportReader(caller: Caller): void {
  if (!canReadAllTickets(caller))
    throw new ForbiddenError('only agents, approvers and admins may read SLA reports');
}
