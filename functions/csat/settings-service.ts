import { type Caller, isAdmin } from '../shared/authz.js';
import type { Clock } from '../shared/clock/clock.js';
import { ForbiddenError } from '../shared/errors.js';
import { upsertVersioned } from '../shared/versioned-upsert.js';
import type { CsatSettings, StoredCsatSettings } from './model.js';
import type { CsatStore } from './store/csat-store.js';

export function assertCsatAdmin(caller: Caller): void {
  if (!isAdmin(caller)) throw new ForbiddenError('only admins may read or change the CSAT settings');
}

/** GET/PUT /settings/csat (docs/csat.md#settings): admins; PUT replaces the whole record. */
export class CsatSettingsService {
  constructor(
    private readonly store: CsatStore,
    private readonly clock: Clock,
  ) {}

  async get(caller: Caller): Promise<StoredCsatSettings> {
    assertCsatAdmin(caller);
    return this.store.settings();
  }

  async put(
    caller: Caller,
    settings: CsatSettings,
    ifMatch: number | undefined,
  ): Promise<StoredCsatSettings> {
    assertCsatAdmin(caller);
    // Read past the container's cache: the version a write is conditional on must be current.
    const { record } = await upsertVersioned(
      'csat-settings',
      ifMatch,
      async () => {
        const current = await this.store.settings();
        return current.version === 0 ? undefined : current;
      },
      (version) => this.store.putSettings(settings, version - 1, this.clock.now().toISOString()),
    );
    return record;
  }
}
