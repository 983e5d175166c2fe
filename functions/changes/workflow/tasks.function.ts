import { ciDirectory, cmdbStore } from '../../cmdb/store/wiring.js';
import { idsOn } from '../../shared/clock/ids.js';
import type { TableDeps } from '../../shared/wiring/deps.js';
import { defineEnvironment, required } from '../../shared/wiring/environment.js';
import { DynamoChangeRepository } from '../store/dynamodb-change-store.js';
import { DynamoFreezeWindowRepository } from '../store/dynamodb-freeze-window-store.js';
import { type ChangeTaskHandler, createChangeTasksHandler } from './tasks-handler.js';
import { ChangeWorkflowSteps } from './workflow-steps.js';

/**
 * The change workflow's task function (every task state of the state machine invokes it): the
 * table only (changes, and the CMDB's CIs and graph the assessment reads); approval notices are
 * events the email notifier mails.
 */
export const CHANGE_TASKS_ENVIRONMENT = defineEnvironment({ TABLE_NAME: required() });

export function assembleChangeTasks(deps: TableDeps): ChangeTaskHandler {
  const steps = new ChangeWorkflowSteps(
    new DynamoChangeRepository(deps.dynamo, deps.tableName),
    new DynamoFreezeWindowRepository(deps.dynamo, deps.tableName),
    deps.clock,
    idsOn(deps.clock),
    { directory: ciDirectory(deps), graph: cmdbStore(deps).graph() },
  );
  return createChangeTasksHandler(steps);
}
