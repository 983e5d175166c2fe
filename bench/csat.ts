import { pathToFileURL } from 'node:url';
import { ciDirectory } from '../functions/cmdb/store/wiring.js';
import { assembleCsatEvents } from '../functions/csat/events.function.js';
import { DEFAULT_CSAT_SETTINGS } from '../functions/csat/model.js';
import { csatStore } from '../functions/csat/store/wiring.js';
import { SurveyService } from '../functions/csat/survey-service.js';
import type { OutboundMail } from '../functions/email/mail/mail-sender.js';
import { OutboxMailSender } from '../functions/email/mail/outbox-mail.js';
import { defaultEmailSettings } from '../functions/email/settings.js';
import { groupStore } from '../functions/groups/store/wiring.js';
import { seedDefaults } from '../functions/seed/defaults.js';
import type { Caller } from '../functions/shared/authz.js';
import { idsOn } from '../functions/shared/clock/ids.js';
import { TestClock } from '../functions/shared/clock/test-clock.js';
import type { TableDeps } from '../functions/shared/wiring/deps.js';
import { slaConfigStore } from '../functions/sla/store/wiring.js';
import { TicketService } from '../functions/tickets/service.js';
import { ticketStore } from '../functions/tickets/store/wiring.js';
import { progress } from './progress.js';
import {
  countDynamoCalls,
  type DynamoCall,
  formatCommands,
  type MeasuredRun,
  measureCalls,
  summarizeRuns,
} from './support/dynamo-calls.js';
import { withBenchTable } from './support/local-table.js';
import { writeBenchResult } from './support/results.js';

export interface CsatRow {
  operation: string;
  calls: number;
  sequential: number;
  byCommand: Record<string, number>;
  /** Items the transactions wrote (the answer: survey, ticket, history entry). */
  written: number;
  ms: number;
  note: string;
}

const SAMPLES = Number(process.env.BENCH_CSAT_SAMPLES ?? 5);
const AGENT: Caller = { id: 'bench', roles: new Set(['agent']), email: null, name: 'Bench' };
const RITA: Caller = { id: 'rita', roles: new Set(['requester']), email: 'rita@example.com', name: 'Rita' };

export async function benchCsat(): Promise<CsatRow[]> {
  return withBenchTable('csat', async ({ dynamo, tableName }) => {
    const clock = new TestClock();
    const deps: TableDeps = { dynamo, tableName, clock };
    await seedDefaults(deps);
    const counter = countDynamoCalls(dynamo);
    const newId = idsOn(clock);
    const tickets = new TicketService(
      ticketStore(deps),
      groupStore(deps),
      slaConfigStore(deps),
      ciDirectory(deps),
      clock,
      newId,
    );
    const outbox: OutboundMail[] = [];
    const background = assembleCsatEvents({
      ...deps,
      apiBaseUrl: () => 'https://desk.example.com',
      mail: {
        sender: new OutboxMailSender(outbox, clock),
        settings: defaultEmailSettings('desk.example.com'),
      },
    });
    const surveys = new SurveyService(csatStore(deps), ticketStore(deps), clock, newId);
    const tokenOf = (ticketId: string) => {
      const mail = outbox.find((m) => m.subject.startsWith(`[${ticketId}]`));
      return /\/surveys\/([A-Za-z0-9_-]{43})/.exec(mail?.text ?? '')?.[1];
    };
    /** A resolved incident of rita's; `consumer` false leaves the survey to a later measured issue. */
    const resolved = async (consumer = true) => {
      const ticket = await tickets.create(AGENT, {
        type: 'incident',
        title: 'Bench printer',
        requester: { id: 'rita', email: 'rita@example.com', name: 'Rita' },
      });
      await tickets.update(AGENT, ticket.id, {
        status: 'resolved',
        resolution: { code: 'fixed', notes: 'Replaced the drum' },
      });
      if (consumer) await issue(ticket.id);
      return ticket.id;
    };
    const issue = (ticketId: string) =>
      background.events.onEvents([
        { detailType: 'Ticket Status Changed', detail: { ticketId, from: 'new', to: 'resolved' } },
      ]);
    const row = (operation: string, runs: MeasuredRun[], note: string): CsatRow => {
      const { calls, sequential, byCommand, itemsWritten, ms } = summarizeRuns(runs);
      return { operation, calls, sequential, byCommand, written: itemsWritten, ms, note };
    };
    const samples = async (prepare: () => Promise<string>, act: (id: string) => Promise<unknown>) => {
      const runs: { log: DynamoCall[]; ms: number }[] = [];
      for (let i = 0; i < SAMPLES; i++) {
        const id = await prepare();
        const { log, ms } = await measureCalls(counter, () => act(id));
        runs.push({ log, ms });
      }
      return runs;
    };

    // Warm the per-container caches (settings, SLA configuration) as a warm container has them.
    await surveys.view(tokenOf(await resolved()) ?? '').catch(() => undefined);
    const rows: CsatRow[] = [];

    progress('csat: issue and mail a survey on resolution');
    rows.push(
      row(
        'issue + mail on resolution (consumer, delay 0)',
        await samples(() => resolved(false), issue),
        'ticket ∥ settings; issue transaction; thread read; move-to-token transaction',
      ),
    );
    progress('csat: open a survey link');
    rows.push(
      row(
        'GET /surveys/{token}',
        await samples(
          () => resolved(),
          (id) => surveys.view(tokenOf(id)!),
        ),
        'the survey, then (pending only) its ticket; records nothing',
      ),
    );
    progress('csat: answer by the link');
    rows.push(
      row(
        'POST /surveys/{token} (answer)',
        await samples(
          () => resolved(),
          (id) => surveys.answerByToken(tokenOf(id)!, { rating: 4 }),
        ),
        'one conditional transaction: survey pending, ticket resolved at the survey’s resolution, history',
      ),
    );
    progress('csat: answer through the API');
    rows.push(
      row(
        'POST /tickets/{id}/feedback (answer)',
        await samples(
          () => resolved(),
          (id) => surveys.answerAsRequester(RITA, id, { rating: 5 }),
        ),
        'ticket ∥ survey pointer; one conditional transaction',
      ),
    );

    progress('csat: 20 concurrent answers to one survey');
    const contested = await resolved();
    const token = tokenOf(contested)!;
    const race = await measureCalls(counter, () =>
      Promise.allSettled(
        Array.from({ length: 20 }, (_, i) => surveys.answerByToken(token, { rating: (i % 5) + 1 })),
      ),
    );
    const landed = race.value.filter((outcome) => outcome.status === 'fulfilled').length;
    const refused: Record<string, number> = {};
    for (const outcome of race.value) {
      if (outcome.status === 'rejected') {
        const code = (outcome.reason as { code?: string }).code ?? String(outcome.reason);
        refused[code] = (refused[code] ?? 0) + 1;
      }
    }
    const refusals = Object.entries(refused)
      .map(([code, n]) => `${n} ${code}`)
      .join(', ');
    rows.push(
      row(
        '20 concurrent answers, one survey',
        [race],
        `${landed} landed; refused: ${refusals} (those that read the survey before the winner wrote lost in their transaction)`,
      ),
    );

    progress('csat: a timer run expiring 50 surveys');
    await csatStore(deps).putSettings(
      { ...DEFAULT_CSAT_SETTINGS, validDays: 1 },
      0,
      clock.now().toISOString(),
    );
    for (let i = 0; i < 50; i++) await resolved();
    clock.advance(2 * 24 * 60);
    const expiry = await measureCalls(counter, () => background.timers.run());
    rows.push(
      row(
        'timer run: 50 surveys due (expire)',
        [expiry],
        `${JSON.stringify(expiry.value)}; one Query page per 50 due, then per survey a ticket read and one transaction`,
      ),
    );
    return rows;
  });
}

export function printCsat(rows: readonly CsatRow[]): void {
  console.log('\n## CSAT surveys (DynamoDB Local)\n');
  console.log(
    '| operation | calls | sequential round trips | by command | items written | ms (median) | note |',
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const commands = formatCommands(r.byCommand);
    console.log(
      `| ${r.operation} | ${r.calls} | ${r.sequential} | ${commands} | ${r.written} | ${r.ms} | ${r.note} |`,
    );
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const rows = await benchCsat();
  printCsat(rows);
  await writeBenchResult('csat', rows);
}
