import type { Caller } from '../shared/authz.js';
import type { Clock } from '../shared/clock/clock.js';
import { NotFoundError, ValidationError } from '../shared/errors.js';
import type { Page, PageRequest } from '../shared/store.js';
import { upsertVersioned } from '../shared/versioned-upsert.js';
import { assertFreezeWindowAdmin, assertFreezeWindowReader } from './access.js';
import type { FreezeWindow } from './model.js';
import type { FreezeWindowStore } from './store/change-store.js';

export interface PutFreezeWindowInput {
  name: string;
  start: string;
  end: string;
  reason?: string | null;
  ciIds?: string[];
  /** Each freezes the service and every CI of its closure (docs/changes.md#risk-conflicts-freeze-windows). */
  serviceIds?: string[];
}

/**
 * Freeze windows (change blackout periods) as admin configuration. Assessment reads them: a normal
 * or standard change whose window meets one is rejected, an emergency change passes (docs/changes.md#risk-conflicts-freeze-windows).
 * A window names CIs, services (each covering its closure), or neither (every CI).
 */
export class FreezeWindowService {
  constructor(
    private readonly store: FreezeWindowStore,
    private readonly clock: Clock,
  ) {}

  list(caller: Caller, page: PageRequest): Promise<Page<FreezeWindow>> {
    assertFreezeWindowReader(caller);
    return this.store.list(page);
  }

  async get(caller: Caller, id: string): Promise<FreezeWindow> {
    assertFreezeWindowReader(caller);
    const window = await this.store.get(id);
    if (!window) throw new NotFoundError(`freeze window ${id} does not exist`);
    return window;
  }

  /** Creates or replaces; `created` tells the caller which (201 or 200). */
  put(
    caller: Caller,
    id: string,
    input: PutFreezeWindowInput,
    ifMatch?: number,
  ): Promise<{ window: FreezeWindow; created: boolean }> {
    assertFreezeWindowAdmin(caller);
    if (Date.parse(input.end) <= Date.parse(input.start)) {
      throw new ValidationError([{ path: 'end', message: 'must be after start' }]);
    }
    const upserted = upsertVersioned(
      id,
      ifMatch,
      () => this.store.get(id),
      async (version, current) => {
        const now = this.clock.now().toISOString();
        const window: FreezeWindow = {
          id,
          name: input.name,
          start: input.start,
          end: input.end,
          reason: input.reason ?? null,
          ciIds: [...new Set(input.ciIds ?? [])],
          serviceIds: [...new Set(input.serviceIds ?? [])],
          createdAt: current?.createdAt ?? now,
          updatedAt: now,
          version,
        };
        await this.store.put(window, version - 1);
        return window;
      },
    );
    return upserted.then(({ record, created }) => ({ window: record, created }));
  }
}
