import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ObjectStore } from '../../attachments/store/object-store.js';
import type { ChangeWorkflow } from '../../changes/workflow/change-workflow.js';
import type { MailSender } from '../../email/mail/mail-sender.js';
import type { Clock } from '../clock/clock.js';

/**
 * What the outside world gives a handler, split by what needs it: each Lambda entry builds only
 * its own part (functions/entry), so a function never bundles or initialises a client it does not
 * use. The local runtime builds all of it once (AppDeps). Same handlers, two wirings.
 */

/** What the HTTP pipeline itself needs (functions/shared/http/pipeline.ts). */
export interface PipelineDeps {
  /** Key for sealing list cursors. Fetched once and cached by the caller's wiring. */
  readonly cursorKey: () => Promise<Uint8Array>;
  /** Origins allowed by CORS; empty means no CORS headers. */
  readonly corsOrigins: readonly string[];
  /** Claim holding the caller's groups/roles (SPEC §2; default `cognito:groups`). */
  readonly groupsClaim: string;
}

/** The table, for every handler that reads or writes records. */
export interface TableDeps {
  readonly tableName: string;
  readonly dynamo: DynamoDBDocumentClient;
  readonly clock: Clock;
}

export type HttpDeps = PipelineDeps & TableDeps;

/** The attachments bucket (SPEC §4 presigned uploads and downloads). */
export interface AttachmentDeps {
  readonly attachmentObjects: ObjectStore;
}

/** The change workflow (Step Functions on AWS, the same definition run in-process locally). */
export interface WorkflowDeps {
  readonly workflow: ChangeWorkflow;
}

/** Outgoing mail (notifications, acknowledgements). */
export interface MailDeps {
  readonly mail: MailSender;
}

/** Everything any handler needs: what the local runtime builds once and hands to all of them. */
export type AppDeps = HttpDeps & AttachmentDeps & WorkflowDeps & MailDeps;
