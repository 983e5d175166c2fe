import { awsTableDeps } from '../shared/wiring/aws.js';
import { parseEnvironment } from '../shared/wiring/environment.js';
import { assembleSlaSweeper, noticeRoutingFrom, SLA_SWEEPER_ENVIRONMENT } from './sweeper.function.js';

const env = parseEnvironment(SLA_SWEEPER_ENVIRONMENT);
/** Runs on the EventBridge schedule (rate 1 minute). */
export const handler = assembleSlaSweeper(awsTableDeps(env), noticeRoutingFrom(env));
