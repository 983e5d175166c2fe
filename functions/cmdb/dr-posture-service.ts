import { type Caller, canReadAllTickets } from '../shared/authz.js';
import { ForbiddenError } from '../shared/errors.js';
import type { Page, PageRequest } from '../shared/store.js';
import type { DrPostureItem } from './dr-posture.js';
import type { DrPostureStore } from './store/dr-posture-store.js';

/**
 * The table's backup settings as deployed (lib/data.ts): passed to the function as configuration
 * (lib/api.ts sets them in its environment; the local runtime passes its own), never read from AWS
 * per request.
 */
export interface TableBackupSettings {
  readonly pointInTimeRecovery: boolean;
  readonly deletionProtection: boolean;
}

export interface DrPostureReport {
  readonly page: Page<DrPostureItem>;
  readonly counts: { readonly inScope: number; readonly uncovered: number };
  readonly table: TableBackupSettings;
  /** The newest CMDB event the counts and rows reflect; null before any was applied. */
  readonly freshness: { readonly asOf: string | null };
}

/**
 * GET /reports/dr-posture (docs/reports.md#disaster-recovery-posture): what the maintainer kept,
 * read in one parallel round: one Query page of uncovered CIs ∥ one GetItem of the counts.
 */
export class DrPostureService {
  constructor(
    private readonly store: DrPostureStore,
    private readonly table: TableBackupSettings,
  ) {}

  async report(caller: Caller, page: PageRequest): Promise<DrPostureReport> {
    assertDrPostureReader(caller);
    const [rows, counts] = await Promise.all([this.store.uncovered(page), this.store.counts()]);
    return {
      page: rows,
      counts: { inScope: counts.inScope, uncovered: counts.uncovered },
      table: this.table,
      freshness: { asOf: counts.asOf },
    };
  }
}

/** Reports are for agents, approvers and admins (agent+); requesters get 403. */
export function assertDrPostureReader(caller: Caller): void {
  if (!canReadAllTickets(caller))
    throw new ForbiddenError('only agents, approvers and admins may read reports');
}

/** Reads the settings from their environment variables (`"true"` / `"false"`). */
export function tableBackupFrom(env: {
  readonly TABLE_POINT_IN_TIME_RECOVERY: string;
  readonly TABLE_DELETION_PROTECTION: string;
}): TableBackupSettings {
  return {
    pointInTimeRecovery: env.TABLE_POINT_IN_TIME_RECOVERY === 'true',
    deletionProtection: env.TABLE_DELETION_PROTECTION === 'true',
  };
}

/**
 * The local runtime's table (an in-process store or DynamoDB Local) has neither point-in-time
 * recovery nor deletion protection, and says so.
 */
export const LOCAL_TABLE_BACKUP: TableBackupSettings = {
  pointInTimeRecovery: false,
  deletionProtection: false,
};
