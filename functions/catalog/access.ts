import type { CiDirectory } from '../cmdb/ci-directory.js';
import { isLiveService } from '../cmdb/model.js';
import type { GroupStore } from '../groups/store/group-store.js';
import { type Caller, canReadAllTickets, isAdmin } from '../shared/authz.js';
import { RecentMap } from '../shared/caching/recent-map.js';
import type { Clock } from '../shared/clock/clock.js';
import { ForbiddenError } from '../shared/errors.js';
import type { CatalogItem } from './model.js';

/** How long a container trusts the members of a group it read (audiences, approvers, task groups). */
const MEMBERS_CACHE_MS = 30_000;

/**
 * Group members through a per-container cache (docs/catalog.md#who-may-do-what): audience checks,
 * approvals and task PATCHes ask who is in a group; a membership change is seen within 30 s.
 */
export class GroupMembers {
  private readonly recent = new RecentMap<string, { members: ReadonlySet<string>; at: number }>(1_000);

  constructor(
    private readonly groups: Pick<GroupStore, 'get'>,
    private readonly clock: Clock,
  ) {}

  /** The groups (of these) that have the caller as a member. */
  async memberOf(caller: Caller, ids: readonly string[]): Promise<Set<string>> {
    const now = this.clock.now().getTime();
    const result = new Set<string>();
    await Promise.all(
      [...new Set(ids)].map(async (id) => {
        let held = this.recent.get(id);
        if (!held || now - held.at >= MEMBERS_CACHE_MS || now < held.at) {
          const group = await this.groups.get(id);
          held = { members: new Set(group?.members ?? []), at: now };
          this.recent.set(id, held);
        }
        if (held.members.has(caller.id)) result.add(id);
      }),
    );
    return result;
  }
}

export function seesEveryItem(caller: Caller): boolean {
  return canReadAllTickets(caller);
}

export function assertCatalogAdmin(caller: Caller): void {
  if (!isAdmin(caller)) throw new ForbiddenError('only admins may write catalog items');
}

/**
 * Whether a requester sees an item: published, in their audience (empty: everyone), on a live
 * service. Agents, approvers and admins see every item.
 */
export async function visibleItem(
  caller: Caller,
  item: CatalogItem,
  members: GroupMembers,
  cmdb: CiDirectory,
): Promise<boolean> {
  if (seesEveryItem(caller)) return true;
  if (item.status !== 'published') return false;
  const [inAudience, services] = await Promise.all([
    item.audience.groups.length === 0
      ? Promise.resolve(true)
      : members.memberOf(caller, item.audience.groups).then((found) => found.size > 0),
    cmdb.services([item.serviceId]),
  ]);
  return inAudience && isLiveService(services.get(item.serviceId));
}
