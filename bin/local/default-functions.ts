import { createAdminHandler } from '../../functions/handlers/admin.js';
import { createAttachmentsHandler } from '../../functions/handlers/attachments.js';
import { createChangesHandler } from '../../functions/handlers/changes.js';
import { createPublicHandler } from '../../functions/handlers/public.js';
import { createStreamPublisherHandler } from '../../functions/handlers/stream-publisher.js';
import { createTicketsHandler } from '../../functions/handlers/tickets.js';
import { seedDefaults } from '../../functions/seed/defaults.js';
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
