import type { Clock } from '../../ports/clock.js';
import type { GroupStore } from '../../ports/group-store.js';
import { type Page, type PageRequest, StaleWriteError } from '../../ports/ticket-store.js';
import { type Caller, canReadAllTickets, isAdmin } from '../authz.js';
import { ForbiddenError, NotFoundError, PreconditionFailedError } from '../errors.js';
import { withOptimisticRetry } from '../optimistic.js';
import { DEFAULT_GROUPS, type Group } from './model.js';

export interface PutGroupInput {
  name: string;
  members: string[];
  email?: string | null;
}

/** Groups: read by anyone with agent read rights, written by admins (SPEC §4). */
export class GroupService {
  constructor(
    private readonly store: GroupStore,
    private readonly clock: Clock,
  ) {}

  list(caller: Caller, page: PageRequest): Promise<Page<Group>> {
    assertMayRead(caller);
    return this.store.list(page);
  }

  async get(caller: Caller, id: string): Promise<Group> {
    assertMayRead(caller);
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
  ): Promise<{ group: Group; created: boolean }> {
    if (!isAdmin(caller)) throw new ForbiddenError('only admins may change groups');
    return withOptimisticRetry(async () => {
      const current = await this.store.get(id);
      const version = current?.version ?? 0;
      if (ifMatch !== undefined && version !== ifMatch) {
        throw new PreconditionFailedError(`group ${id} is at version ${version}, not ${ifMatch}`, version);
      }
      const now = this.clock.now().toISOString();
      const group: Group = {
        id,
        name: input.name,
        members: [...new Set(input.members)],
        email: input.email ?? null,
        createdAt: current?.createdAt ?? now,
        updatedAt: now,
        version: version + 1,
      };
      try {
        await this.store.put(group, version);
      } catch (error) {
        if (error instanceof StaleWriteError && ifMatch !== undefined) {
          throw new PreconditionFailedError(
            `group ${id} changed while this update was applied`,
            error.currentVersion,
          );
        }
        throw error;
      }
      return { group, created: current === undefined };
    });
  }

  /** Seeds the default groups once; an existing group (perhaps edited by an admin) is left alone. */
  async seedDefaults(): Promise<void> {
    const now = this.clock.now().toISOString();
    for (const seed of DEFAULT_GROUPS) {
      try {
        await this.store.put(
          { ...seed, members: [], email: null, createdAt: now, updatedAt: now, version: 1 },
          0,
        );
      } catch (error) {
        if (!(error instanceof StaleWriteError)) throw error;
      }
    }
  }
}

function assertMayRead(caller: Caller): void {
  if (!canReadAllTickets(caller))
    throw new ForbiddenError('only agents, approvers and admins may read groups');
}
