import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { systemClock } from '../clock/clock.js';
import { secretCursorKey } from './aws-cursor-key.js';
import type { HttpDeps, TableDeps } from './deps.js';
import { pipelineSettings } from './pipeline-settings.js';

/**
 * The AWS clients a function builds at init, from its parsed environment (each function's
 * function.ts declares the variables; its entry parses them). Nothing here reads process.env.
 */

/** Document client with the marshalling options every repository relies on. */
export function documentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
  });
}

/** The table named by TABLE_NAME, for any function that reads or writes records. */
export function awsTableDeps(env: { readonly TABLE_NAME: string }): TableDeps {
  return {
    tableName: env.TABLE_NAME,
    dynamo: documentClient(new DynamoDBClient({})),
    clock: systemClock,
  };
}

/** An HTTP function over the table, with list cursors sealed by the key in Secrets Manager. */
export function awsHttpDeps(env: {
  readonly TABLE_NAME: string;
  readonly CURSOR_SECRET_ARN: string;
  readonly CORS_ORIGINS: string;
  readonly GROUPS_CLAIM: string;
  readonly EMAIL_VERIFYING_ISSUERS: string;
}): HttpDeps {
  return {
    ...awsTableDeps(env),
    ...pipelineSettings(env),
    cursorKey: secretCursorKey(env.CURSOR_SECRET_ARN),
  };
}
