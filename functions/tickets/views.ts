import type { GroupStore } from '../groups/store/group-store.js';
import { type Caller, isAdmin, isStaff } from '../shared/authz.js';
import type { Clock } from '../shared/clock/clock.js';
import { ForbiddenError, NotFoundError, PreconditionFailedError, ValidationError } from '../shared/errors.js';
import { type Page, type PageRequest, StaleWriteError } from '../shared/store.js';
import { parseQueueParams, type QueueParams, queueParamsOf, type TicketQuery } from './queue.js';
import type { ViewStore } from './store/view-store.js';
import type { SavedView } from './view-model.js';

/**
 * Saved views (docs/api.md#saved-views): an agent's named filter-and-sort combination over
 * `GET /tickets`, personal or shared with a group they belong to. Everyone in that group reads it;
 * only its owner (or an admin) changes or deletes it. Requesters and approvers have none.
 */
export type { SavedView } from './view-model.js';

export interface ViewInput {
  readonly name: string;
  readonly group?: string | null;
  readonly query: Record<string, string>;
}

export class ViewService {
  constructor(
    private readonly store: ViewStore,
    private readonly groups: GroupStore,
    private readonly clock: Clock,
    private readonly newId: () => string,
  ) {}

  async create(caller: Caller, input: ViewInput): Promise<SavedView> {
    assertAgent(caller);
    const query = checkedQuery(input.query);
    const group = input.group ?? null;
    if (group !== null) await this.assertMember(caller, group, 'group');
    const now = this.clock.now().toISOString();
    const view: SavedView = {
      id: `view-${this.newId().toLowerCase()}`,
      name: input.name,
      owner: caller.id,
      group,
      query,
      createdAt: now,
      updatedAt: now,
      version: 1,
    };
    await this.store.put(view, 0);
    return view;
  }

  /** The view if the caller may read it (404 otherwise, as for one that does not exist). */
  async get(caller: Caller, id: string): Promise<SavedView> {
    assertAgent(caller);
    const view = await this.store.get(id);
    if (!view || !(await this.canRead(caller, view))) throw new NotFoundError(`view ${id} not found`);
    return view;
  }

  async replace(caller: Caller, id: string, input: ViewInput, ifMatch?: number): Promise<SavedView> {
    const current = await this.get(caller, id);
    this.assertOwner(caller, current);
    if (ifMatch !== undefined && ifMatch !== current.version) {
      throw new PreconditionFailedError(`view ${id} is at version ${current.version}`, current.version);
    }
    const query = checkedQuery(input.query);
    const group = input.group ?? null;
    if (group !== null && group !== current.group) await this.assertMember(caller, group, 'group');
    const next: SavedView = {
      ...current,
      name: input.name,
      group,
      query,
      updatedAt: this.clock.now().toISOString(),
      version: current.version + 1,
    };
    try {
      await this.store.put(next, current.version);
    } catch (error) {
      if (error instanceof StaleWriteError) {
        throw new PreconditionFailedError(`view ${id} changed meanwhile`, error.currentVersion);
      }
      throw error;
    }
    return next;
  }

  async remove(caller: Caller, id: string): Promise<void> {
    const current = await this.get(caller, id);
    this.assertOwner(caller, current);
    await this.store.delete(id);
  }

  /** The caller's own views, or those shared with `group` (its members and admins only). */
  async list(caller: Caller, group: string | undefined, page: PageRequest): Promise<Page<SavedView>> {
    assertAgent(caller);
    if (group === undefined) return this.store.listOwned(caller.id, page);
    await this.assertMember(caller, group, 'group', true);
    return this.store.listShared(group, page);
  }

  /** The query a view stands for, for `GET /tickets?view=<id>`. */
  async queryOf(caller: Caller, id: string): Promise<TicketQuery> {
    const view = await this.get(caller, id);
    return parseQueueParams(view.query);
  }

  private async canRead(caller: Caller, view: SavedView): Promise<boolean> {
    if (view.owner === caller.id || isAdmin(caller)) return true;
    if (view.group === null) return false;
    const group = await this.groups.get(view.group);
    return !!group?.members.includes(caller.id);
  }

  private assertOwner(caller: Caller, view: SavedView): void {
    if (view.owner !== caller.id && !isAdmin(caller)) {
      throw new ForbiddenError('only the owner of a view (or an admin) changes or deletes it');
    }
  }

  private async assertMember(caller: Caller, groupId: string, path: string, listing = false): Promise<void> {
    const group = await this.groups.get(groupId);
    if (!group) {
      if (listing) throw new NotFoundError(`group ${groupId} not found`);
      throw new ValidationError([{ path, message: `no group ${groupId}` }]);
    }
    if (!isAdmin(caller) && !group.members.includes(caller.id)) {
      throw new ForbiddenError(
        `only members of ${groupId} (and admins) share views with it or list its views`,
      );
    }
  }
}

function assertAgent(caller: Caller): void {
  if (!isStaff(caller)) throw new ForbiddenError('saved views are for agents and admins');
}

/** The queue parameters a view keeps: known names only, each valid (400 at `query.<name>`). */
function checkedQuery(raw: Record<string, string>): QueueParams {
  const unknown = Object.keys(raw).filter((name) => !(name in queueParamsOf(raw)));
  if (unknown.length > 0) {
    throw new ValidationError(
      unknown.map((name) => ({ path: `query.${name}`, message: 'is not a queue parameter' })),
    );
  }
  const params = queueParamsOf(raw);
  try {
    parseQueueParams(params);
  } catch (error) {
    if (error instanceof ValidationError) {
      throw new ValidationError(error.errors.map((e) => ({ path: `query.${e.path}`, message: e.message })));
    }
    throw error;
  }
  return params;
}
