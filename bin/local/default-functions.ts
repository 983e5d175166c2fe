import { createAdminHandler } from '../../functions/admin/handler.js';
import { createAttachmentsHandler } from '../../functions/attachments/http/handler.js';
import { createChangesHandler } from '../../functions/changes/http/handler.js';
import { createPublicHandler } from '../../functions/public/handler.js';
import { seedDefaults } from '../../functions/seed/defaults.js';
import { createStreamPublisherHandler } from '../../functions/shared/outbox/stream-publisher.js';
import { createTicketsHandler } from '../../functions/tickets/http/handler.js';
import type { LocalFunctions } from './functions.js';

/**
 * The real handler factories, the same ones the Lambda entry points call. Loaded lazily by the
 * runtime (only when no replacement is injected), so tests of the runtime itself do not depend on
 * every handler compiling.
 */
export const defaultFunctions: LocalFunctions = {
  http: {
    public: createPublicHandler,
    tickets: createTicketsHandler,
    attachments: createAttachmentsHandler,
    admin: createAdminHandler,
    changes: createChangesHandler,
  },
  streamPublisher: createStreamPublisherHandler,
  seed: seedDefaults,
};
