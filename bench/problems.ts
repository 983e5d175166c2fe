import { pathToFileURL } from 'node:url';
import { CiService } from '../functions/cmdb/ci-service.js';
import { ClassCatalogue } from '../functions/cmdb/class-catalogue.js';
import { putCiBody } from '../functions/cmdb/http/schemas.js';
import { ciDirectory, cmdbStore } from '../functions/cmdb/store/wiring.js';
import { groupStore } from '../functions/groups/store/wiring.js';
import { KnownErrorApplication } from '../functions/problems/apply-service.js';
import { KnownErrorService } from '../functions/problems/known-error-service.js';
import { knownErrorStore, knownErrorsForTickets } from '../functions/problems/store/wiring.js';
import { seedDefaults } from '../functions/seed/defaults.js';
import type { Caller } from '../functions/shared/authz.js';
import { systemClock } from '../functions/shared/clock/clock.js';
import { idsOn } from '../functions/shared/clock/ids.js';
import { SchemaValidators } from '../functions/shared/json-schema/compiled.js';
import type { TableDeps } from '../functions/shared/wiring/deps.js';
import { slaConfigStore } from '../functions/sla/store/wiring.js';
import { TicketService } from '../functions/tickets/service.js';
import { ticketStore } from '../functions/tickets/store/wiring.js';
import { progress } from './progress.js';
import {
  countDynamoCalls,
  type DynamoCall,
  formatCommands,
  measureCalls,
  summarizeRuns,
} from './support/dynamo-calls.js';
import { withBenchTable } from './support/local-table.js';
import { writeBenchResult } from './support/results.js';

export interface ProblemsRow {
  operation: string;
  calls: number;
  sequential: number;
  byCommand: Record<string, number>;
  ms: number;
  /** Suggestions stored on the ticket (create rows). */
  suggested: number | null;
}

const SAMPLES = Number(process.env.BENCH_PROBLEMS_SAMPLES ?? 5);

export async function benchProblems(): Promise<ProblemsRow[]> {
  return withBenchTable('problems', async ({ dynamo, tableName }) => {
    const deps: TableDeps = { dynamo, tableName, clock: systemClock };
    await seedDefaults(deps);
    const counter = countDynamoCalls(dynamo);
    const newId = idsOn(systemClock);
    const agent: Caller = { id: 'bench', roles: new Set(['agent']), email: null, name: 'Bench' };
    const cmdb = cmdbStore(deps);
    const cis = new CiService(
      cmdb,
      new ClassCatalogue(cmdb, systemClock),
      groupStore(deps),
      new SchemaValidators(),
      systemClock,
      newId,
    );
    for (const id of ['app-1', 'db-1', 'web-1', 'web-2']) {
      await cis.put(agent, id, putCiBody.parse({ class: 'application', name: id }) as never, undefined);
    }
    const tickets = new TicketService(
      ticketStore(deps),
      groupStore(deps),
      slaConfigStore(deps),
      ciDirectory(deps),
      systemClock,
      newId,
      { ...knownErrorsForTickets(deps) },
    );
    const knownErrors = new KnownErrorService(knownErrorStore(deps), ciDirectory(deps), systemClock, newId);
    const application = new KnownErrorApplication(
      ticketStore(deps),
      knownErrorStore(deps),
      slaConfigStore(deps),
      systemClock,
      newId,
    );

    const measure = async <T>(
      act: () => Promise<T>,
    ): Promise<{ value: T; calls: DynamoCall[]; ms: number }> => {
      const { value, log, ms } = await measureCalls(counter, act);
      return { value, calls: log, ms };
    };
    const row = (
      operation: string,
      runs: { calls: DynamoCall[]; ms: number; suggested: number | null }[],
    ): ProblemsRow => {
      const { median, calls, sequential, byCommand, ms } = summarizeRuns(
        runs.map((run) => ({ ...run, log: run.calls })),
      );
      return { operation, calls, sequential, byCommand, ms, suggested: median.suggested };
    };
    const create = (ciIds: string[]) =>
      measure(() => tickets.create(agent, { type: 'incident', title: 'Bench incident', ciIds }));

    // Warm the per-container caches (services, SLA configuration, the index copy) once.
    await tickets.create(agent, { type: 'incident', title: 'warm-up', ciIds: ['web-1', 'web-2'] });
    const rows: ProblemsRow[] = [];
    progress('known errors: ticket create without matching known errors');
    const none = [];
    for (let i = 0; i < SAMPLES; i++) {
      const r = await create(['web-1', 'web-2']);
      none.push({ ...r, suggested: r.value.suggestedKnownErrors.length });
    }
    rows.push(row('create incident, 2 CIs, no matching known error', none));

    progress('known errors: publish 3, first create after (index read again)');
    const published: { id: string }[] = [];
    for (const title of ['a', 'b', 'c']) {
      published.push(
        await knownErrors.create(agent, {
          title,
          workaround: 'Restart',
          ciIds: ['app-1', 'db-1'],
          status: 'published',
        }),
      );
    }
    const cold = await create(['app-1', 'db-1']);
    rows.push(
      row('create incident, 2 CIs, first after a publish (cold index)', [
        { ...cold, suggested: cold.value.suggestedKnownErrors.length },
      ]),
    );
    progress('known errors: ticket create with 3 matching known errors');
    const matching = [];
    for (let i = 0; i < SAMPLES; i++) {
      const r = await create(['app-1', 'db-1']);
      matching.push({ ...r, suggested: r.value.suggestedKnownErrors.length });
    }
    rows.push(row('create incident, 2 CIs, 3 matching known errors', matching));

    progress('known errors: apply with resolve');
    const applies = [];
    for (let i = 0; i < SAMPLES; i++) {
      const incident = await tickets.create(agent, { type: 'incident', title: 'to apply' });
      const r = await measure(() =>
        application.apply(agent, incident.id, published[0]!.id, { visibility: 'public', resolve: true }),
      );
      applies.push({ ...r, suggested: null });
    }
    rows.push(row('apply a known error (comment + resolve)', applies));
    return rows;
  });
}

export function printProblems(rows: readonly ProblemsRow[]): void {
  console.log('\n## Known errors on ticket create (DynamoDB Local)\n');
  console.log('| operation | calls | sequential round trips | by command | ms (median) | suggested |');
  console.log('|---|---|---|---|---|---|');
  for (const r of rows) {
    const commands = formatCommands(r.byCommand);
    console.log(
      `| ${r.operation} | ${r.calls} | ${r.sequential} | ${commands} | ${r.ms} | ${r.suggested ?? '–'} |`,
    );
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const rows = await benchProblems();
  printProblems(rows);
  await writeBenchResult('problems', rows);
}
