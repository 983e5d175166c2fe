import { ACTIVE_CHANGE_STATUSES } from './lifecycle.js';
import type { Change, ChangeType, Conflict, FreezeWindow } from './model.js';

/** Half-open windows `[start, end)`: one ending exactly when the next starts does not overlap. */
export function windowsOverlap(
  a: { readonly start: string; readonly end: string },
  b: { readonly start: string; readonly end: string },
): boolean {
  return Date.parse(a.start) < Date.parse(b.end) && Date.parse(b.start) < Date.parse(a.end);
}

export type ConflictSubject = Pick<Change, 'id' | 'ciIds' | 'plannedStart' | 'plannedEnd'>;

type ChangeConflict = Extract<Conflict, { kind: 'change' }>;

/**
 * What the assess step read from the CMDB and the other changes' per-service items, for the links
 * beyond a shared CI (docs/changes.md#risk-conflicts-freeze-windows).
 */
export interface ConflictLinks {
  /** CIs one impact edge from the change's CIs, either way: each with the change's CIs it is next to. */
  readonly neighbours: ReadonlyMap<string, readonly string[]>;
  /** The live business services in the combined closures of the change's CIs. */
  readonly services: readonly string[];
  /** Other changes → the live business services their closures list (among `services`, as read). */
  readonly servicesOf: ReadonlyMap<string, readonly string[]>;
}

/** Without a CMDB: only shared CIs link changes. */
export const NO_CONFLICT_LINKS: ConflictLinks = {
  neighbours: new Map(),
  services: [],
  servicesOf: new Map(),
};

/** How many change conflicts a change records: the strongest, then by id (the risk counts them all). */
export const MAX_CHANGE_CONFLICTS = 100;

const VIA_RANK: Record<ChangeConflict['via'], number> = { same_ci: 0, related_ci: 1, shared_service: 2 };

/**
 * Other changes that hold an overlapping window and meet this one (docs/changes.md#risk-conflicts-freeze-windows),
 * as ServiceNow's "CI already scheduled" conflict, extended along the CMDB: on a shared CI
 * (`same_ci`, with the CIs), on CIs one impact edge apart (`related_ci`, with the `path`), or on a
 * live business service both changes' closures list (`shared_service`, with the `serviceId`). One
 * conflict per other change, the strongest link. Only changes still in flight count: a rejected,
 * cancelled, closed or failed change no longer claims its window, and a draft has not claimed it yet.
 */
export function changeConflicts(
  change: ConflictSubject,
  others: readonly Change[],
  links: ConflictLinks = NO_CONFLICT_LINKS,
): Conflict[] {
  const mine = new Set(change.ciIds);
  const myServices = new Set(links.services);
  const window = { start: change.plannedStart, end: change.plannedEnd };
  const seen = new Set<string>();
  const found = others
    .filter((other) => other.id !== change.id && ACTIVE_CHANGE_STATUSES.includes(other.status))
    .filter((other) => !seen.has(other.id) && seen.add(other.id))
    .filter((other) => windowsOverlap(window, { start: other.plannedStart, end: other.plannedEnd }))
    .map((other) => linkTo(other, mine, myServices, links))
    .filter((conflict): conflict is ChangeConflict => conflict !== undefined);
  const kept =
    found.length <= MAX_CHANGE_CONFLICTS
      ? found
      : [...found]
          .sort((a, b) => VIA_RANK[a.via] - VIA_RANK[b.via] || compare(a.changeId, b.changeId))
          .slice(0, MAX_CHANGE_CONFLICTS);
  return kept.sort((a, b) => compare(a.changeId, b.changeId));
}

/** The strongest link from this change to `other`, if any. */
function linkTo(
  other: Change,
  mine: ReadonlySet<string>,
  myServices: ReadonlySet<string>,
  links: ConflictLinks,
): ChangeConflict | undefined {
  const base = {
    kind: 'change' as const,
    changeId: other.id,
    plannedStart: other.plannedStart,
    plannedEnd: other.plannedEnd,
  };
  const shared = other.ciIds.filter((ci) => mine.has(ci));
  if (shared.length > 0) return { ...base, via: 'same_ci', ciIds: shared };
  for (const theirs of other.ciIds) {
    const next = links.neighbours.get(theirs);
    if (next && next.length > 0) {
      const own = [...next].sort(compare)[0]!;
      return { ...base, via: 'related_ci', ciIds: [], path: [own, theirs] };
    }
  }
  const services = (links.servicesOf.get(other.id) ?? []).filter((id) => myServices.has(id)).sort(compare);
  if (services.length > 0) return { ...base, via: 'shared_service', ciIds: [], serviceId: services[0]! };
  return undefined;
}

/**
 * Freeze windows the change's window meets (docs/changes.md#risk-conflicts-freeze-windows). A
 * freeze covers the CIs it names and, for each service it names, that service and every CI whose
 * closure lists it (`closureServiceIds`: the services in the change's CIs' closures); naming
 * neither covers every CI. It blocks normal and standard changes; an emergency change passes, with
 * the freeze recorded and its risk raised.
 */
export function freezeConflicts(
  change: ConflictSubject & { readonly type: ChangeType },
  freezes: readonly FreezeWindow[],
  closureServiceIds: readonly string[] = [],
): Conflict[] {
  const window = { start: change.plannedStart, end: change.plannedEnd };
  const cis = new Set(change.ciIds);
  const services = new Set([...closureServiceIds, ...change.ciIds]);
  return freezes
    .filter((freeze) => windowsOverlap(window, freeze))
    .filter((freeze) => {
      const serviceIds = freeze.serviceIds ?? [];
      if (freeze.ciIds.length === 0 && serviceIds.length === 0) return true;
      return freeze.ciIds.some((ci) => cis.has(ci)) || serviceIds.some((id) => services.has(id));
    })
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((freeze) => ({
      kind: 'freeze' as const,
      freezeWindowId: freeze.id,
      name: freeze.name,
      start: freeze.start,
      end: freeze.end,
      blocking: change.type !== 'emergency',
    }));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
