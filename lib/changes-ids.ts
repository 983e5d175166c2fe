/**
 * Construct ids of the change workflow's resources. The local runtime finds the task function in
 * the synthesised template by them, without loading the CDK (this file imports nothing).
 */
export const CHANGES_CONSTRUCT_ID = 'Changes';
export const CHANGE_TASK_FUNCTION_ID = 'TaskFunction';
export const CHANGE_STATE_MACHINE_ID = 'StateMachine';
