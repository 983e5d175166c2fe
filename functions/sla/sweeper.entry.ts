import { awsTableDeps } from '../shared/wiring/aws.js';
import { parseEnvironment } from '../shared/wiring/environment.js';
import { assembleSlaSweeper, SLA_SWEEPER_ENVIRONMENT } from './sweeper.function.js';

/** Runs on the EventBridge schedule (rate 1 minute). */
export const handler = assembleSlaSweeper(awsTableDeps(parseEnvironment(SLA_SWEEPER_ENVIRONMENT)));
