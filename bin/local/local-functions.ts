import type { AttachmentDeps } from '../../functions/attachments/store/object-store.js';
import type { WorkflowDeps } from '../../functions/changes/workflow/change-workflow.js';
import type { MailDeps } from '../../functions/email/mail/mail-sender.js';
import type { FunctionName } from '../../functions/shared/http/routes.js';
import type { EventBus } from '../../functions/shared/outbox/event-bus.js';
import type { HttpDeps } from '../../functions/shared/wiring/deps.js';
import type { LambdaHttpHandler } from './server.js';
import type { StreamHandler } from './stream-poller.js';

/** Everything any handler needs: what the local runtime builds once and hands to all of them. */
export type AppDeps = HttpDeps & AttachmentDeps & WorkflowDeps & MailDeps;

/**
 * What the local runtime runs: one factory per HTTP Lambda (ROUTES' `function` names), the stream
 * publisher and the seeding step. The defaults are the real ones (default-functions.ts); tests may
 * inject fakes.
 */
export interface LocalFunctions {
  readonly http: Readonly<Record<FunctionName, (deps: AppDeps) => LambdaHttpHandler>>;
  readonly streamPublisher: (deps: { bus: EventBus }) => StreamHandler;
  readonly seed: (deps: AppDeps) => Promise<void>;
}
