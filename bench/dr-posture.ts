import { pathToFileURL } from 'node:url';
import { creationHistory as changeCreationHistory, newChange } from '../functions/changes/rules.js';
import { ChangeService } from '../functions/changes/service.js';
import { DynamoChangeRepository } from '../functions/changes/store/dynamodb-change-store.js';
import { DynamoIncidentLinkStore } from '../functions/changes/store/dynamodb-incident-link-store.js';
import type { ChangeWorkflow } from '../functions/changes/workflow/change-workflow.js';
import { DrPostureMaintainer } from '../functions/cmdb/dr-posture-maintainer.js';
import { DrPostureService } from '../functions/cmdb/dr-posture-service.js';
import type { Ci } from '../functions/cmdb/model.js';
import { DynamoDrPostureStore } from '../functions/cmdb/store/dynamodb-dr-posture-store.js';
import { ciDirectory, cmdbStore } from '../functions/cmdb/store/wiring.js';
import { groupStore } from '../functions/groups/store/wiring.js';
import { seedDefaults } from '../functions/seed/defaults.js';
import type { Caller } from '../functions/shared/authz.js';
import { systemClock } from '../functions/shared/clock/clock.js';
import { idsOn } from '../functions/shared/clock/ids.js';
import type { TableDeps } from '../functions/shared/wiring/deps.js';
import { slaConfigStore } from '../functions/sla/store/wiring.js';
import { TicketService } from '../functions/tickets/service.js';
import { ticketStore } from '../functions/tickets/store/wiring.js';
import { progress } from './progress.js';
import {
  countDynamoCalls,
  formatCommands,
  type MeasuredRun,
  measureCalls,
  summarizeRuns,
} from './support/dynamo-calls.js';
import { withBenchTable } from './support/local-table.js';
import { writeBenchResult } from './support/results.js';

export interface DrPostureRow {
  operation: string;
  calls: number;
  sequential: number;
  byCommand: Record<string, number>;
  itemsRead: number;
  itemsWritten: number;
  ms: number;
}

const SAMPLES = Number(process.env.BENCH_DR_SAMPLES ?? 5);
const SIZES = [200, 2_000];
const BACKED_UP_BY_ONE_VAULT = 50;

export async function benchDrPosture(): Promise<DrPostureRow[]> {
  return withBenchTable('drposture', async ({ dynamo, tableName }) => {
    const deps: TableDeps = { dynamo, tableName, clock: systemClock };
    await seedDefaults(deps);
    const counter = countDynamoCalls(dynamo);
    const newId = idsOn(systemClock);
    const agent: Caller = { id: 'bench', roles: new Set(['agent']), email: null, name: 'Bench' };
    const cmdb = cmdbStore(deps);
    const posture = new DynamoDrPostureStore(dynamo, tableName);
    const maintainer = new DrPostureMaintainer(cmdb, posture);
    const report = new DrPostureService(posture, { pointInTimeRecovery: true, deletionProtection: true });
    const rows: DrPostureRow[] = [];

    const row = (operation: string, runs: MeasuredRun[]): DrPostureRow => {
      const { calls, sequential, byCommand, itemsRead, itemsWritten, ms } = summarizeRuns(runs);
      return { operation, calls, sequential, byCommand, itemsRead, itemsWritten, ms };
    };
    const sample = async (act: () => Promise<unknown>, times = SAMPLES) => {
      const runs = [];
      for (let i = 0; i < times; i++) runs.push(await measureCalls(counter, act));
      return runs;
    };
    const ci = (id: string, fields: Partial<Ci> = {}): Ci => ({
      id,
      class: 'server',
      name: id,
      description: '',
      status: 'active',
      environment: 'production',
      criticality: 1,
      owner: null,
      ownerGroup: null,
      supportGroup: null,
      location: null,
      asset: {},
      identifiers: [],
      attributes: {},
      redundancy: null,
      closure: { serviceIds: [], computedAt: null, truncated: false },
      version: 1,
      createdAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
      ...fields,
    });
    const history = (id: string) => ({
      id: newId(),
      recordId: id,
      at: new Date().toISOString(),
      actor: { id: 'bench', name: null },
      action: 'created' as const,
      changes: [],
      events: [],
    });
    const put = (c: Ci) => cmdb.putCi({ after: c, history: history(c.id) });
    const inParallel = async (count: number, act: (i: number) => Promise<unknown>) => {
      for (let start = 0; start < count; start += 25)
        await Promise.all(Array.from({ length: Math.min(25, count - start) }, (_, k) => act(start + k)));
    };

    // The report at two sizes: rows seeded straight into the posture store (what the maintainer writes).
    let seeded = 0;
    for (const size of SIZES) {
      progress(`DR posture: seeding ${size} uncovered rows`);
      await inParallel(size - seeded, async (i) => {
        const id = `seed-${String(seeded + i).padStart(6, '0')}`;
        await posture.saveState(id, await posture.getState(id), {
          inScope: true,
          uncovered: {
            id,
            name: id,
            class: 'server',
            criticality: ((seeded + i) % 2) + 1 === 1 ? 1 : 2,
            status: 'active',
            owner: null,
            supportGroup: null,
          },
        });
      });
      seeded = size;
      await report.report(agent, { limit: 25 }); // warm
      rows.push(
        row(
          `GET /reports/dr-posture (page of 25, ${size.toLocaleString('en')} uncovered)`,
          await sample(() => report.report(agent, { limit: 25 })),
        ),
      );
    }

    progress('DR posture: the maintainer per CMDB event');
    const created = [];
    for (let i = 0; i < SAMPLES; i++) {
      const id = `new-${i}`;
      await put(ci(id));
      created.push(
        await measureCalls(counter, () =>
          maintainer.onEvents([
            { detailType: 'CI Created', detail: { ciId: id, at: new Date().toISOString() } },
          ]),
        ),
      );
    }
    rows.push(row('maintainer: CI Created (in scope, uncovered: one transaction)', created));
    await put(ci('vault', { criticality: 3 }));
    const vault = (await cmdb.getCi('vault'))!;
    const covered = [];
    for (let i = 0; i < SAMPLES; i++) {
      const source = (await cmdb.getCi(`new-${i}`))!;
      const at = new Date().toISOString();
      await cmdb.addRelationship({
        relationship: {
          source: source.id,
          type: 'backed_up_by',
          target: 'vault',
          createdAt: at,
          createdBy: 'bench',
        },
        source,
        target: vault,
        history: [history(source.id), history('vault')],
      });
      covered.push(
        await measureCalls(counter, () =>
          maintainer.onEvents([
            {
              detailType: 'CI Relationship Added',
              detail: { source: source.id, type: 'backed_up_by', target: 'vault', at },
            },
          ]),
        ),
      );
    }
    rows.push(row('maintainer: backed_up_by added (covered: one transaction)', covered));
    const event = {
      detailType: 'CI Relationship Added',
      detail: { source: 'new-0', type: 'backed_up_by', target: 'vault', at: new Date().toISOString() },
    };
    rows.push(
      row(
        'maintainer: the same event redelivered (no write)',
        await sample(() => maintainer.onEvents([event])),
      ),
    );

    progress(`DR posture: a backup target covering ${BACKED_UP_BY_ONE_VAULT} CIs retired`);
    await put(ci('big-vault', { criticality: 3 }));
    const bigVault = (await cmdb.getCi('big-vault'))!;
    await inParallel(BACKED_UP_BY_ONE_VAULT, async (i) => {
      const id = `covered-${String(i).padStart(3, '0')}`;
      await put(ci(id, { criticality: 2 }));
      const source = (await cmdb.getCi(id))!;
      const at = new Date().toISOString();
      await cmdb.addRelationship({
        relationship: {
          source: id,
          type: 'backed_up_by',
          target: 'big-vault',
          createdAt: at,
          createdBy: 'bench',
        },
        source,
        target: bigVault,
        history: [history(id), history('big-vault')],
      });
    });
    await maintainer.onEvents(
      Array.from({ length: BACKED_UP_BY_ONE_VAULT }, (_, i) => ({
        detailType: 'CI Created',
        detail: { ciId: `covered-${String(i).padStart(3, '0')}` },
      })),
    );
    const current = (await cmdb.getCi('big-vault'))!;
    const retired = { ...current, status: 'retired' as const, version: current.version + 1 };
    await cmdb.putCi({ before: current, after: retired, history: history('big-vault') });
    rows.push(
      row(`maintainer: a backup target covering ${BACKED_UP_BY_ONE_VAULT} CIs retired`, [
        await measureCalls(counter, () =>
          maintainer.onEvents([
            {
              detailType: 'CI Status Changed',
              detail: { ciId: 'big-vault', from: 'active', to: 'retired', at: new Date().toISOString() },
            },
          ]),
        ),
      ]),
    );

    progress('caused_by_change: link an incident, read the change with its links');
    const links = new DynamoIncidentLinkStore(dynamo, tableName);
    const tickets = new TicketService(
      ticketStore(deps),
      groupStore(deps),
      slaConfigStore(deps),
      ciDirectory(deps),
      systemClock,
      newId,
      { changeLinks: links },
    );
    const changeStore = new DynamoChangeRepository(dynamo, tableName);
    const stamp = { now: new Date().toISOString(), eventId: newId() };
    const change = newChange(
      'CHG-000001',
      {
        type: 'standard',
        title: 'Upgrade',
        ciIds: [],
        plannedStart: new Date(Date.now() + 86_400_000).toISOString(),
        plannedEnd: new Date(Date.now() + 90_000_000).toISOString(),
        backoutPlan: 'revert',
      },
      agent,
      stamp,
      'arn:bench',
    );
    await changeStore.commit({ after: change, history: changeCreationHistory(change, agent, stamp) });
    await tickets.create(agent, { type: 'incident', title: 'warm-up' });
    const linking = [];
    for (let i = 0; i < SAMPLES; i++) {
      const incident = await tickets.create(agent, { type: 'incident', title: `after the change ${i}` });
      linking.push(
        await measureCalls(counter, () =>
          tickets.link(agent, incident.id, { type: 'caused_by_change', targetId: 'CHG-000001' }),
        ),
      );
    }
    rows.push(
      row('POST /tickets/{id}/links caused_by_change (incident ∥ change, then one transaction)', linking),
    );
    const changes = new ChangeService(
      changeStore,
      groupStore(deps),
      {} as ChangeWorkflow,
      systemClock,
      newId,
      {
        incidentLinks: links,
      },
    );
    rows.push(
      row(
        `GET /changes/{id} with ${SAMPLES} causes_incident links`,
        await sample(() => changes.get(agent, 'CHG-000001')),
      ),
    );
    return rows;
  });
}

export function printDrPosture(rows: readonly DrPostureRow[]): void {
  console.log('\n## Disaster-recovery posture and caused-by-change links (DynamoDB Local)\n');
  console.log(
    '| operation | calls | sequential round trips | by command | items read | items written | ms (median) |',
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const commands = formatCommands(r.byCommand);
    console.log(
      `| ${r.operation} | ${r.calls} | ${r.sequential} | ${commands} | ${r.itemsRead} | ${r.itemsWritten} | ${r.ms} |`,
    );
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const rows = await benchDrPosture();
  printDrPosture(rows);
  await writeBenchResult('dr-posture', rows);
}
