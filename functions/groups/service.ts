import { type Caller, canReadAllTickets, isAdmin } from '../shared/authz.js';
import type { Clock } from '../shared/clock/clock.js';
import { ForbiddenError, NotFoundError } from '../shared/errors.js';
import { type Page, type PageRequest, StaleWriteError } from '../shared/store.js';
import { upsertVersioned } from '../shared/versioned-upsert.js';
import { DEFAULT_GROUPS, type Group } from './model.js';
import type { GroupStore } from './store/group-store.js';

export interface PutGroupInput {
  name: string;
  members: string[];
  email?: string | null;
  calendarId?: string | null;
}

/** Groups: read by anyone with agent read rights, written by admins (docs/api.md#authentication-and-roles). */
export class GroupService {
  constructor(
    private readonly store: GroupStore,
    private readonly clock: Clock,
  ) {}

  list(caller: Caller, page: PageRequest): Promise<Page<Group>> {
    assertGroupReader(caller);
    return this.store.list(page);
  }

  async get(caller: Caller, id: string): Promise<Group> {
    assertGroupReader(caller);
    const group = await this.store.get(id);
    if (!group) throw new NotFoundError(`group ${id} does not exist`);
    return group;
  }

  /** Creates or replaces; `created` tells the caller which (201 or 200). */
  put(
    caller: Caller,
    id: string,
    input: PutGroupInput,
    ifMatch?: number,
  ): Promise<{ record: Group; created: boolean }> {
    assertGroupAdmin(caller);
    return upsertVersioned(
      id,
      ifMatch,
      () => this.store.get(id),
      async (version, current) => {
        const now = this.clock.now().toISOString();
        const group: Group = {
          id,
          name: input.name,
          members: [...new Set(input.members)],
          email: input.email ?? null,
          calendarId: input.calendarId ?? null,
          createdAt: current?.createdAt ?? now,
          updatedAt: now,
          version,
        };
        await this.store.put(group, version - 1);
        return group;
      },
    );
  }

  /**
   * Seeds the default groups once, and `extra` groups (the stack's default groups, so that unrouted
   * tickets have somewhere to go), named by their id; an existing group (perhaps edited by an
   * admin) is left alone.
   */
  async seedDefaults(extra: readonly string[] = []): Promise<void> {
    const now = this.clock.now().toISOString();
    const known = new Set(DEFAULT_GROUPS.map((group) => group.id));
    const seeds = [
      ...DEFAULT_GROUPS,
      ...[...new Set(extra)].filter((id) => !known.has(id)).map((id) => ({ id, name: id })),
    ];
    for (const seed of seeds) {
      try {
        await this.store.put(
          { ...seed, members: [], email: null, calendarId: null, createdAt: now, updatedAt: now, version: 1 },
          0,
        );
      } catch (error) {
        if (!(error instanceof StaleWriteError)) throw error;
      }
    }
  }
}

/** Groups are read with agent read rights (agents, approvers, admins). */
export function assertGroupReader(caller: Caller): void {
  if (!canReadAllTickets(caller))
    throw new ForbiddenError('only agents, approvers and admins may read groups');
}

/** Groups are configuration: admins write them. */
export function assertGroupAdmin(caller: Caller): void {
  if (!isAdmin(caller)) throw new ForbiddenError('only admins may change groups');
}
