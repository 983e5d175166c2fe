import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { systemClock } from '../clock/clock.js';
import { secretCursorKey } from './aws-cursor-key.js';
import type { HttpDeps, TableDeps } from './deps.js';
import { pipelineSettings } from './pipeline-settings.js';

export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

/** Document client with the marshalling options every repository relies on. */
export function documentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
  });
}

/** The table named by TABLE_NAME, for any function that reads or writes records. */
export function awsTableDeps(): TableDeps {
  return {
    tableName: requiredEnv('TABLE_NAME'),
    dynamo: documentClient(new DynamoDBClient({})),
    clock: systemClock,
  };
}

/** An HTTP function over the table, with list cursors sealed by the key in Secrets Manager. */
export function awsHttpDeps(): HttpDeps {
  return {
    ...awsTableDeps(),
    ...pipelineSettings(),
    cursorKey: secretCursorKey(requiredEnv('CURSOR_SECRET_ARN')),
  };
}
