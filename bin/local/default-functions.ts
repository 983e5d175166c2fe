import { assembleAdmin } from '../../functions/admin/function.js';
import { assembleAlerts } from '../../functions/alerts/function.js';
import { assembleAttachments } from '../../functions/attachments/function.js';
import { assembleCatalog } from '../../functions/catalog/function.js';
import { assembleChanges } from '../../functions/changes/function.js';
import { LOCAL_TABLE_BACKUP } from '../../functions/cmdb/dr-posture-service.js';
import { assembleCmdb } from '../../functions/cmdb/function.js';
import { strictCiIdsFrom } from '../../functions/cmdb/strict-ci-ids.js';
import { assembleCsat } from '../../functions/csat/function.js';
import { assembleProblems } from '../../functions/problems/function.js';
import { assemblePublic } from '../../functions/public/function.js';
import { assembleReports } from '../../functions/reports/function.js';
import { seedDefaults } from '../../functions/seed/defaults.js';
import { assembleStreamPublisher } from '../../functions/shared/outbox/stream-publisher.function.js';
import { assembleTickets } from '../../functions/tickets/function.js';
import { localSecretCipher } from './alerts-key.js';
import type { LocalFunctions } from './local-functions.js';
import { localRebuildStarter, localReportsTimezone } from './reports.js';
import { defaultStateDir } from './signing-key.js';

/**
 * The real functions, put together by the same assembly their Lambda entries call (each
 * capability's function.ts): only where the parts come from differs (local clients here, AWS
 * clients from the parsed environment there). Loaded lazily by the runtime (only when no
 * replacement is injected), so tests of the runtime itself do not depend on every handler compiling.
 */
export const defaultFunctions: LocalFunctions = {
  http: {
    public: assemblePublic,
    tickets: (deps) => assembleTickets(deps, { strictCiIds: localStrictCiIds() }),
    attachments: assembleAttachments,
    admin: assembleAdmin,
    changes: (deps) => assembleChanges(deps, { strictCiIds: localStrictCiIds() }),
    // The local table has no point-in-time recovery or deletion protection, and says so.
    cmdb: (deps) => assembleCmdb(deps, { tableBackup: LOCAL_TABLE_BACKUP }),
    // HMAC keys sealed with a local AES key: OPSDESK_ALERTS_KEY, else one kept in the data directory.
    alerts: (deps) =>
      assembleAlerts(deps, { strictCiIds: localStrictCiIds(), cipher: localSecretCipher(defaultStateDir()) }),
    catalog: assembleCatalog,
    problems: (deps) => assembleProblems(deps, { strictCiIds: localStrictCiIds() }),
    csat: assembleCsat,
    reports: (deps) =>
      assembleReports(deps, { timezone: localReportsTimezone(), startRebuild: localRebuildStarter(deps) }),
  },
  streamPublisher: assembleStreamPublisher,
  seed: seedDefaults,
};

/** `cmdb.strictCiIds` locally: CMDB_STRICT_CI_IDS=false in the environment of `npm start` turns it off. */
function localStrictCiIds(): boolean {
  return strictCiIdsFrom(process.env.CMDB_STRICT_CI_IDS ?? 'true');
}
