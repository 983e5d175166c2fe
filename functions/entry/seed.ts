import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { systemClock } from '../ports/clock.js';
import { seedDefaults } from '../seed/defaults.js';
import { documentClient } from '../wiring/aws.js';

/** Custom-resource handler (CDK Provider framework): seeds defaults on create and update. */
export async function handler(
  event: CloudFormationCustomResourceEvent,
): Promise<{ PhysicalResourceId: string }> {
  const tableName = process.env.TABLE_NAME;
  if (!tableName) throw new Error('environment variable TABLE_NAME is not set');
  if (event.RequestType !== 'Delete') {
    await seedDefaults({ dynamo: documentClient(new DynamoDBClient({})), tableName, clock: systemClock });
  }
  return { PhysicalResourceId: `opsdesk-seed-${tableName}` };
}
