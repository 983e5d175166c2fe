import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3ObjectStore } from '../adapters/s3/s3-object-store.js';
import { SesMailSender } from '../adapters/ses/ses-mail-sender.js';
import { stepFunctionsWorkflowFromEnv } from '../adapters/sfn/workflow-from-env.js';
import { systemClock } from '../ports/clock.js';
import type { AppDeps } from './deps.js';

function requiredEnv(name: string): string {
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

let cursorKeyPromise: Promise<Uint8Array> | undefined;

/** The cursor-signing key lives in Secrets Manager; read once per container, on first use. */
function secretCursorKey(secretArn: string): () => Promise<Uint8Array> {
  return () => {
    cursorKeyPromise ??= new SecretsManagerClient({})
      .send(new GetSecretValueCommand({ SecretId: secretArn }))
      .then((out) => new TextEncoder().encode(out.SecretString ?? ''))
      .catch((error: unknown) => {
        cursorKeyPromise = undefined;
        throw error;
      });
    return cursorKeyPromise;
  };
}

/** Dependencies of the HTTP handlers on AWS, from the environment the CDK stack sets. */
export function awsDeps(): AppDeps {
  return {
    tableName: requiredEnv('TABLE_NAME'),
    dynamo: documentClient(new DynamoDBClient({})),
    clock: systemClock,
    cursorKey: secretCursorKey(requiredEnv('CURSOR_SECRET_ARN')),
    corsOrigins: (process.env.CORS_ORIGINS ?? '').split(',').filter(Boolean),
    groupsClaim: process.env.GROUPS_CLAIM ?? 'cognito:groups',
    mail: lazyMail(),
    attachmentObjects: lazyAttachmentObjects(),
    workflow: stepFunctionsWorkflowFromEnv(),
  };
}

/** The attachments bucket's client is built on first use: only the attachments routes need it. */
function lazyAttachmentObjects(): AppDeps['attachmentObjects'] {
  let store: S3ObjectStore | undefined;
  const bucket = () => {
    store ??= new S3ObjectStore(new S3Client({}), requiredEnv('ATTACHMENTS_BUCKET'));
    return store;
  };
  return {
    head: (key) => bucket().head(key),
    get: (key) => bucket().get(key),
    put: (key, body, type) => bucket().put(key, body, type),
    move: (from, to) => bucket().move(from, to),
    presignUpload: (key, options) => bucket().presignUpload(key, options),
    presignDownload: (key, options) => bucket().presignDownload(key, options),
  };
}

/** The SES client is built on first send: most invocations send no mail. */
function lazyMail(): AppDeps['mail'] {
  let sender: SesMailSender | undefined;
  return {
    send: (mail) => {
      sender ??= new SesMailSender(
        new SESv2Client({}),
        requiredEnv('MAIL_FROM'),
        process.env.AWS_REGION ?? 'us-east-1',
      );
      return sender.send(mail);
    },
  };
}
