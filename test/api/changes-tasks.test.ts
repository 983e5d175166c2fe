import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creationHistory, newChange } from '../../functions/changes/rules.js';
import { DynamoChangeRepository } from '../../functions/changes/store/dynamodb-change-store.js';
import { assembleChangeTasks } from '../../functions/changes/workflow/tasks.function.js';
import type { ChangeTaskHandler } from '../../functions/changes/workflow/tasks-handler.js';
import { TestClock } from '../../functions/shared/clock/test-clock.js';
import { createTestTable, type TestTable } from '../support/dynamodb.js';

// The error names the task function ends with are part of the state machine's contract: Retry and
// Catch match on them (lib/changes.ts).
describe('change task function errors', () => {
  let table: TestTable;
  let tasks: ChangeTaskHandler;
  const clock = new TestClock();

  beforeAll(async () => {
    table = await createTestTable('change-tasks');
    tasks = assembleChangeTasks({
      dynamo: table.dynamo,
      tableName: table.tableName,
      clock,
    });
    const agent = { id: 'ann', email: null, name: 'Ann', roles: new Set(['agent'] as const) };
    const now = clock.now().toISOString();
    const draft = newChange(
      'CHG-000001',
      {
        type: 'standard',
        title: 'x',
        ciIds: ['a'],
        plannedStart: new Date(clock.now().getTime() + 3_600_000).toISOString(),
        plannedEnd: new Date(clock.now().getTime() + 7_200_000).toISOString(),
        backoutPlan: 'b',
        implementationPlan: 'p',
      },
      agent,
      { now, eventId: '01TEST' },
      'arn',
    );
    await new DynamoChangeRepository(table.dynamo, table.tableName).commit({
      after: draft,
      history: creationHistory(draft, agent, { now, eventId: '01TEST' }),
    });
  });
  afterAll(() => table?.drop());

  it.each([
    ['an unknown action', { action: 'launch', changeId: 'CHG-000001' }],
    ['a missing change id', { action: 'submit' }],
    ['a change that does not exist', { action: 'submit', changeId: 'CHG-999999' }],
    ['a step the change is not at (scheduling a draft)', { action: 'schedule', changeId: 'CHG-000001' }],
  ])('%s ends with Change.StepNotApplicable, which is never retried', async (_, event) => {
    await expect(tasks(event)).rejects.toMatchObject({ name: 'Change.StepNotApplicable' });
  });

  it('a step that applies answers what the state machine selects from its result', async () => {
    await expect(tasks({ action: 'submit', changeId: 'CHG-000001' })).resolves.toEqual({
      changeId: 'CHG-000001',
    });
    await expect(tasks({ action: 'assess', changeId: 'CHG-000001' })).resolves.toEqual({
      route: 'schedule',
      cab: [],
      changeManager: [],
    });
    // A retried step finds its work done and answers the same.
    await expect(tasks({ action: 'assess', changeId: 'CHG-000001' })).resolves.toMatchObject({
      route: 'schedule',
    });
    await expect(tasks({ action: 'beginImplementation', changeId: 'CHG-000001' })).rejects.toMatchObject({
      name: 'Change.StepNotApplicable',
    });
    await expect(tasks({ action: 'schedule', changeId: 'CHG-000001' })).resolves.toMatchObject({
      plannedStart: expect.any(String),
    });
    await expect(tasks({ action: 'beginImplementation', changeId: 'CHG-000001' })).resolves.toEqual({
      outcome: 'waiting',
      plannedStart: expect.any(String),
    });
    clock.advance(61);
    await expect(tasks({ action: 'beginImplementation', changeId: 'CHG-000001' })).resolves.toEqual({
      outcome: 'started',
      changeId: 'CHG-000001',
      timeoutSeconds: expect.any(Number),
    });
  });
});
