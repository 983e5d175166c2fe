import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import type { TableDeps } from '../shared/wiring/deps.js';
import { defineEnvironment, required } from '../shared/wiring/environment.js';
import { seedDefaults } from './defaults.js';

/** The deploy-time seed (a CloudFormation custom resource): default groups, calendars and policies. */
export const SEED_ENVIRONMENT = defineEnvironment({ TABLE_NAME: required() });

/** Custom-resource handler (CDK Provider framework): seeds defaults on create and update. */
export function assembleSeed(deps: TableDeps) {
  return async (event: CloudFormationCustomResourceEvent): Promise<{ PhysicalResourceId: string }> => {
    if (event.RequestType !== 'Delete') await seedDefaults(deps);
    return { PhysicalResourceId: `opsdesk-seed-${deps.tableName}` };
  };
}
