import type { Clock } from '../shared/clock/clock.js';
import type { CiHistoryEntry } from './model.js';
import type { CmdbStore } from './store/cmdb-store.js';

/** Notices one run records at most; the rest wait for the next run (one a minute). */
const MAX_PER_RUN = 500;
const PAGE = 100;
const WARRANTY_ACTOR = { id: 'opsdesk-cmdb', name: 'CMDB warranty reminder' } as const;

/**
 * `CI Warranty Expiring`, once per warranty, 30 days before it ends (docs/cmdb.md#warranty-reminders).
 * Reads only the markers that are due from the sweeper's due index, so a run costs what is due,
 * not what the CMDB holds; each notice removes its marker in the transaction that records it, so
 * overlapping or repeated runs record it once.
 */
export class WarrantyReminders {
  constructor(
    private readonly store: CmdbStore,
    private readonly clock: Clock,
    private readonly newId: () => string,
  ) {}

  async run(): Promise<{ noticed: number }> {
    const now = this.clock.now().toISOString();
    let noticed = 0;
    let examined = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.store.listWarrantyDue(now, { limit: PAGE, ...(startKey && { startKey }) });
      const cis = await this.store.getCis(page.items.map((due) => due.ciId));
      for (const due of page.items) {
        examined++;
        const ci = cis.get(due.ciId);
        if (!ci?.asset.warrantyUntil) continue;
        const history: CiHistoryEntry = {
          id: this.newId(),
          recordId: ci.id,
          at: now,
          actor: WARRANTY_ACTOR,
          action: 'warranty',
          changes: [],
          events: [
            {
              detailType: 'CI Warranty Expiring',
              detail: {
                ciId: ci.id,
                name: ci.name,
                warrantyUntil: ci.asset.warrantyUntil,
                supportGroup: ci.supportGroup,
                ownerGroup: ci.ownerGroup,
              },
            },
          ],
        };
        if (await this.store.recordWarrantyNotice(due, history)) noticed++;
      }
      startKey = page.lastKey;
    } while (startKey && examined < MAX_PER_RUN);
    return { noticed };
  }
}
