import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creationHistory, newChange } from '../../functions/changes/rules.js';
import { DynamoChangeRepository } from '../../functions/changes/store/dynamodb-change-store.js';
import { DynamoFreezeWindowRepository } from '../../functions/changes/store/dynamodb-freeze-window-store.js';
import { ChangeWorkflowSteps } from '../../functions/changes/workflow/workflow-steps.js';
import { ciDirectory, cmdbStore } from '../../functions/cmdb/store/wiring.js';
import { TestClock } from '../../functions/shared/clock/test-clock.js';
import { createTestTable, type TestTable } from '../support/dynamodb.js';
import { CmdbSeed, seedPaymentsGraph } from './cmdb-seed.js';

/**
 * The assessment's CMDB and per-service reads on DynamoDB Local, wired as the task function wires
 * them (`ciDirectory(deps)`, `cmdbStore(deps).graph()`): one table for changes and CMDB alike.
 */
describe('assessment with the CMDB on DynamoDB', () => {
  let table: TestTable;
  let steps: ChangeWorkflowSteps;
  let changes: DynamoChangeRepository;
  const clock = new TestClock();
  clock.freeze(new Date('2026-11-23T10:00:00.000Z'));
  const at = (hours: number) => new Date(clock.now().getTime() + hours * 3_600_000).toISOString();
  const agent = { id: 'ann', email: null, name: 'Ann', roles: new Set(['agent'] as const) };
  let counter = 0;
  const newId = () => `01KD${String(++counter).padStart(22, '0')}`;

  beforeAll(async () => {
    table = await createTestTable('change-cmdb');
    const deps = { dynamo: table.dynamo, tableName: table.tableName, clock };
    await seedPaymentsGraph(new CmdbSeed(cmdbStore(deps)));
    changes = new DynamoChangeRepository(table.dynamo, table.tableName);
    steps = new ChangeWorkflowSteps(
      changes,
      new DynamoFreezeWindowRepository(table.dynamo, table.tableName),
      clock,
      newId,
      { directory: ciDirectory(deps), graph: cmdbStore(deps).graph() },
    );
  });
  afterAll(() => table?.drop());

  async function assessed(n: number, ciIds: string[]) {
    const id = `CHG-${String(n).padStart(6, '0')}`;
    const stamp = { now: clock.now().toISOString(), eventId: newId() };
    const draft = newChange(
      id,
      {
        type: 'standard',
        title: id,
        ciIds,
        plannedStart: at(24),
        plannedEnd: at(26),
        implementationPlan: 'p',
        backoutPlan: 'b',
      },
      agent,
      stamp,
      'arn',
    );
    await changes.commit({ after: draft, history: creationHistory(draft, agent, stamp) });
    await steps.submit(id);
    await steps.assess(id);
    return (await changes.get(id))!;
  }

  it('finds related_ci and shared_service conflicts, impacted services and the CMDB risk reasons', async () => {
    await assessed(1, ['lb-1']);
    await assessed(2, ['pay-api']);
    await assessed(3, ['crm-db']);
    const mine = await assessed(4, ['db-1']);
    expect(mine.conflicts).toEqual([
      expect.objectContaining({ changeId: 'CHG-000002', via: 'shared_service', serviceId: 'payments' }),
    ]);
    expect(mine.impactedServices).toEqual([
      { id: 'payments', name: 'Service payments', criticality: 2, level: 2 },
    ]);
    expect(mine.risk?.reasons).toEqual(
      expect.arrayContaining([
        'highest CI criticality 1 (mission critical)',
        'affects 3 live business services (3 or more)',
      ]),
    );
    const app = await assessed(5, ['app-1']);
    expect(app.conflicts).toEqual([
      expect.objectContaining({ changeId: 'CHG-000001', via: 'related_ci', path: ['app-1', 'lb-1'] }),
      expect.objectContaining({ changeId: 'CHG-000002', via: 'shared_service', serviceId: 'payments' }),
      expect.objectContaining({ changeId: 'CHG-000004', via: 'related_ci', path: ['app-1', 'db-1'] }),
    ]);
  });
});
