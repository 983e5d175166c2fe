import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../ports/clock.js';
import type { MailSender } from '../ports/mail.js';
import type { ObjectStore } from '../ports/object-store.js';
import type { ChangeWorkflow } from '../ports/workflow.js';

/**
 * Everything an HTTP handler needs from the outside world. The Lambda entry points build it from
 * environment variables (wiring/aws.ts); the local runtime builds it from local parts. Same
 * handlers, two wirings.
 */
export interface AppDeps {
  readonly tableName: string;
  readonly dynamo: DynamoDBDocumentClient;
  readonly clock: Clock;
  /** Key for signing list cursors (HMAC-SHA256). Fetched once and cached by the caller's wiring. */
  readonly cursorKey: () => Promise<Uint8Array>;
  /** Origins allowed by CORS; empty means no CORS headers. */
  readonly corsOrigins: readonly string[];
  /** Claim holding the caller's groups/roles (SPEC §2; default `cognito:groups`). */
  readonly groupsClaim: string;
  /** Outgoing mail (notifications, acknowledgements). */
  readonly mail: MailSender;
  /** The attachments bucket (SPEC §4 presigned uploads and downloads). */
  readonly attachmentObjects: ObjectStore;
  /** The change workflow (Step Functions on AWS, the same definition run in-process locally). */
  readonly workflow: ChangeWorkflow;
}
