import type { Page, PageRequest } from '../shared/store.js';
import { StaleWriteError } from '../shared/store.js';
import {
  BACKUP_RELATIONSHIP,
  type DrPostureEvent,
  drStateOf,
  newestEventTime,
  sameDrState,
  touchedBy,
} from './dr-posture.js';
import { CMDB_LIMITS } from './model.js';
import type { CmdbStore } from './store/cmdb-store.js';
import type { DrPostureStore } from './store/dr-posture-store.js';

/** CIs recomputed at once (each a few reads and at most one transaction). */
const PARALLEL = 16;
/** Attempts per CI when another consumer moves its state at the same time. */
const MAX_ATTEMPTS = 5;
/** A page of relationships (the most a CI holds per direction is CMDB_LIMITS.relationshipsPerDirection). */
const RELATIONSHIP_PAGE = 100;

export interface DrPostureOutcome {
  /** CIs whose posture was recomputed. */
  readonly examined: number;
  /** Of those, how many moved (one transaction each). */
  readonly changed: number;
}

/**
 * Keeps the disaster-recovery posture (docs/reports.md#disaster-recovery-posture) from the CMDB's
 * events, beside the closure maintainer on the same consumer (closures.function.ts). Each touched
 * CI is recomputed from the table as it is now (the CI, its `backed_up_by` targets) and compared
 * with its stored state; only a difference writes (one transaction, conditional on the state's
 * revision), so a redelivered, duplicated or reordered event changes nothing twice. Derived
 * bookkeeping: no history, no events.
 */
export class DrPostureMaintainer {
  constructor(
    private readonly cmdb: Pick<CmdbStore, 'getCi' | 'getCis' | 'listRelationships' | 'listCis'>,
    private readonly store: DrPostureStore,
  ) {}

  async onEvents(events: readonly DrPostureEvent[]): Promise<DrPostureOutcome> {
    const { ciIds, backsUpOf } = touchedBy(events);
    if (ciIds.length === 0) return { examined: 0, changed: 0 };
    // A CI whose status moved may have stopped (or started) covering the CIs it backs up.
    const sources = await Promise.all(backsUpOf.map((id) => this.related(id, 'in')));
    const all = [...new Set([...ciIds, ...sources.flat()])].sort();
    const changed = await this.recomputeAll(all);
    const at = newestEventTime(events);
    if (at) await this.store.touch(at);
    return { examined: all.length, changed };
  }

  /**
   * A page of every CI, recomputed: the background rebuild (a stack upgraded with CIs already in
   * it, or after a restore) walks the CMDB by id, page after page, never on a request path.
   */
  async rebuildPage(
    page: PageRequest,
    at: string,
  ): Promise<DrPostureOutcome & Pick<Page<unknown>, 'lastKey'>> {
    const listed = await this.cmdb.listCis({}, page);
    const changed = await this.recomputeAll(listed.items.map((ci) => ci.id));
    await this.store.touch(at);
    return { examined: listed.items.length, changed, ...(listed.lastKey ? { lastKey: listed.lastKey } : {}) };
  }

  private async recomputeAll(ids: readonly string[]): Promise<number> {
    let changed = 0;
    for (let start = 0; start < ids.length; start += PARALLEL) {
      const moved = await Promise.all(ids.slice(start, start + PARALLEL).map((id) => this.recompute(id)));
      changed += moved.filter(Boolean).length;
    }
    return changed;
  }

  /** One CI: true when its stored state moved. */
  async recompute(ciId: string): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      const [ci, targets, before] = await Promise.all([
        this.cmdb.getCi(ciId),
        this.related(ciId, 'out'),
        this.store.getState(ciId),
      ]);
      const backups = targets.length > 0 ? await this.cmdb.getCis(targets) : new Map();
      const after = drStateOf(
        ci,
        targets.map((id) => backups.get(id)),
      );
      if (sameDrState(before, after)) return false;
      try {
        await this.store.saveState(ciId, before, after);
        return true;
      } catch (error) {
        if (!(error instanceof StaleWriteError) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  /** The CIs `ciId` is backed up by (`out`) or backs up (`in`), every page (at most 500). */
  private async related(ciId: string, direction: 'out' | 'in'): Promise<string[]> {
    const ids: string[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.cmdb.listRelationships(
        ciId,
        { type: BACKUP_RELATIONSHIP, direction },
        { limit: RELATIONSHIP_PAGE, ...(startKey ? { startKey } : {}) },
      );
      ids.push(...page.items.map((relationship) => relationship.ciId));
      startKey = page.lastKey;
    } while (startKey && ids.length < CMDB_LIMITS.relationshipsPerDirection);
    return ids;
  }
}
