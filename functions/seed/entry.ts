import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { awsTableDeps } from '../shared/wiring/aws.js';
import { seedDefaults } from './defaults.js';

/** Custom-resource handler (CDK Provider framework): seeds defaults on create and update. */
export async function handler(
  event: CloudFormationCustomResourceEvent,
): Promise<{ PhysicalResourceId: string }> {
  const deps = awsTableDeps();
  if (event.RequestType !== 'Delete') await seedDefaults(deps);
  return { PhysicalResourceId: `opsdesk-seed-${deps.tableName}` };
}
