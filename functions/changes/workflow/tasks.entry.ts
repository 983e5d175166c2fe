import { awsTableDeps } from '../../shared/wiring/aws.js';
import { parseEnvironment } from '../../shared/wiring/environment.js';
import { assembleChangeTasks, CHANGE_TASKS_ENVIRONMENT } from './tasks.function.js';

export const handler = assembleChangeTasks(awsTableDeps(parseEnvironment(CHANGE_TASKS_ENVIRONMENT)));
