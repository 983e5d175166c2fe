import { RecentMap } from '../shared/caching/recent-map.js';
import type { Clock } from '../shared/clock/clock.js';
import { type FieldError, UnprocessableError } from '../shared/errors.js';
import type { Ci } from './model.js';
import { isLiveService } from './model.js';
import type { CmdbStore } from './store/cmdb-store.js';

/**
 * What other capabilities (tickets, changes, known errors) ask the CMDB: the CIs a record names,
 * and the services their closures list (docs/cmdb.md#what-tickets-and-changes-get).
 */
export interface CiDirectory {
  /** The CIs among `ids` that exist (one batch read). */
  cis(ids: readonly string[]): Promise<Map<string, Ci>>;
  /**
   * Services by id. Names and portfolio status change rarely and are read on every ticket write,
   * so a container keeps them briefly: a warm ticket create reads its CIs and nothing more.
   */
  services(ids: readonly string[]): Promise<Map<string, Ci>>;
}

/** How long a container trusts a service it read (its name, portfolio status, support group). */
const SERVICE_CACHE_MS = 30_000;

export class StoreCiDirectory implements CiDirectory {
  private readonly recent = new RecentMap<string, { ci: Ci; at: number }>(1_000);

  constructor(
    private readonly store: Pick<CmdbStore, 'getCis'>,
    private readonly clock: Clock,
  ) {}

  cis(ids: readonly string[]): Promise<Map<string, Ci>> {
    return ids.length === 0 ? Promise.resolve(new Map()) : this.store.getCis(ids);
  }

  async services(ids: readonly string[]): Promise<Map<string, Ci>> {
    const now = this.clock.now().getTime();
    const found = new Map<string, Ci>();
    const missing: string[] = [];
    for (const id of new Set(ids)) {
      const held = this.recent.get(id);
      if (held && now - held.at < SERVICE_CACHE_MS && now >= held.at) found.set(id, held.ci);
      else missing.push(id);
    }
    if (missing.length > 0) {
      for (const [id, ci] of await this.store.getCis(missing)) {
        this.recent.set(id, { ci, at: now });
        found.set(id, ci);
      }
    }
    return found;
  }
}

/** A directory that knows no CI: for stores and tests that run without a CMDB. */
export const EMPTY_CI_DIRECTORY: CiDirectory = {
  cis: async () => new Map(),
  services: async () => new Map(),
};

/**
 * The §10 rule on CI ids a record names: with `strict` every id not already on the record must
 * exist and not be retired (422 `unknown_ci` / `retired_ci` at `<field>.<index>`); without, unknown
 * ones are accepted and listed in `unknownCiIds`.
 */
export function checkCiIds(
  ciIds: readonly string[],
  found: ReadonlyMap<string, Ci>,
  options: {
    readonly strict: boolean;
    readonly alreadyOnRecord?: readonly string[];
    readonly field?: string;
    /** Where the id at an index sits in the body, when not at `<field>.<index>` (a link's `targetId`). */
    readonly at?: string;
  },
): { unknownCiIds: string[] } {
  const field = options.field ?? 'ciIds';
  const pathOf = (index: number) => options.at ?? `${field}.${index}`;
  const old = new Set(options.alreadyOnRecord ?? []);
  const unknown: FieldError[] = [];
  const retired: FieldError[] = [];
  ciIds.forEach((id, index) => {
    if (old.has(id)) return;
    const ci = found.get(id);
    if (!ci) unknown.push({ path: pathOf(index), message: `unknown CI ${id}` });
    else if (ci.status === 'retired') retired.push({ path: pathOf(index), message: `CI ${id} is retired` });
  });
  if (options.strict && unknown.length > 0)
    throw new UnprocessableError(
      `Unknown CIs: ${unknown.map((e) => e.path).join(', ')}`,
      'unknown_ci',
      unknown,
    );
  if (options.strict && retired.length > 0)
    throw new UnprocessableError(
      `Retired CIs: ${retired.map((e) => e.path).join(', ')}`,
      'retired_ci',
      retired,
    );
  return { unknownCiIds: ciIds.filter((id) => !found.has(id)) };
}

/** The services a set of CIs belongs to (their closures), plus a named primary service, in order. */
export function affectedServiceIds(cis: readonly Ci[], serviceId: string | null): string[] {
  const ids = new Set<string>();
  if (serviceId) ids.add(serviceId);
  for (const ci of cis) for (const id of ci.closure.serviceIds) ids.add(id);
  // A service CI named directly is affected itself.
  for (const ci of cis) if (isLiveService(ci)) ids.add(ci.id);
  return [...ids];
}

/**
 * The group a ticket created without one goes to: the support group of its most critical CI (ties:
 * the first in `ciIds`), else its service's, else none (the caller's default applies).
 */
export function defaultGroupFor(
  ciIds: readonly string[],
  found: ReadonlyMap<string, Ci>,
  service: Ci | undefined,
): string | null {
  let best: Ci | undefined;
  for (const id of ciIds) {
    const ci = found.get(id);
    if (ci?.supportGroup && (!best || ci.criticality < best.criticality)) best = ci;
  }
  return best?.supportGroup ?? service?.supportGroup ?? null;
}
