import type { CiDirectory } from '../cmdb/ci-directory.js';
import { isLiveService } from '../cmdb/model.js';
import type { GroupStore } from '../groups/store/group-store.js';
import { actorOf, type Caller } from '../shared/authz.js';
import type { Clock } from '../shared/clock/clock.js';
import {
  ConflictError,
  type FieldError,
  NotFoundError,
  UnprocessableError,
  ValidationError,
} from '../shared/errors.js';
import type { SchemaValidators } from '../shared/json-schema/compiled.js';
import type { Page, PageRequest } from '../shared/store.js';
import { upsertVersioned } from '../shared/versioned-upsert.js';
import { assertCatalogAdmin, type GroupMembers, seesEveryItem, visibleItem } from './access.js';
import {
  CATALOG_ITEM_STATUSES,
  CATALOG_LIMITS,
  type CatalogHistoryEntry,
  type CatalogItem,
  type CatalogItemInput,
  type CatalogItemStatus,
} from './model.js';
import { checkSteps } from './steps.js';
import type { CatalogQuery, CatalogStore } from './store/catalog-store.js';

/** Catalog items (docs/catalog.md#catalog-items): admins write them, everyone reads what they may see. */
export class CatalogItemService {
  constructor(
    private readonly store: CatalogStore,
    private readonly groups: Pick<GroupStore, 'existing'>,
    private readonly members: GroupMembers,
    private readonly cmdb: CiDirectory,
    private readonly schemas: SchemaValidators,
    private readonly clock: Clock,
    private readonly newId: () => string,
  ) {}

  async get(caller: Caller, id: string): Promise<CatalogItem> {
    const item = await this.store.get(id);
    if (!item || !(await visibleItem(caller, item, this.members, this.cmdb))) {
      throw new NotFoundError(`catalog item ${id} does not exist`);
    }
    return item;
  }

  /** Requesters: published items of their audience on live services (a page may come back short). */
  async list(
    caller: Caller,
    query: Omit<CatalogQuery, 'accept'>,
    page: PageRequest,
  ): Promise<Page<CatalogItem>> {
    if (seesEveryItem(caller)) return this.store.list(query, page);
    if (query.status !== undefined && query.status !== 'published') return { items: [] };
    const result = await this.store.list({ ...query, status: 'published' }, page);
    const visible = await Promise.all(
      result.items.map((item) => visibleItem(caller, item, this.members, this.cmdb)),
    );
    return { ...result, items: result.items.filter((_, index) => visible[index]) };
  }

  async put(
    caller: Caller,
    id: string,
    input: CatalogItemInput,
    ifMatch: number | undefined,
  ): Promise<{ item: CatalogItem; created: boolean }> {
    assertCatalogAdmin(caller);
    this.checkSchemas(input);
    const draft = itemFrom(id, input);
    const cycle = checkSteps(draft.fulfilment.steps);
    if (cycle.errors.length > 0) throw new ValidationError(cycle.errors);
    if (cycle.cycle.length > 0) throw new ValidationError(cycle.cycle, undefined, 'step_cycle');
    await this.checkReferences(draft);
    const { record, created } = await upsertVersioned<CatalogItem>(
      id,
      ifMatch,
      () => this.store.get(id),
      async (version, existing) => {
        assertStatusMove(existing?.status, draft.status);
        const now = this.clock.now().toISOString();
        const item: CatalogItem = {
          ...draft,
          version,
          createdAt: existing?.createdAt ?? now,
          updatedAt: now,
        };
        await this.store.put(item, version - 1, this.history(caller, existing, item, now));
        return item;
      },
    );
    return { item: record, created };
  }

  private checkSchemas(input: CatalogItemInput): void {
    const issues: FieldError[] = [
      ...this.schemas.checkSchema(input.formSchema, 'formSchema', { rootType: 'object' }),
      ...(input.approval?.requiredWhen
        ? this.schemas.checkSchema(input.approval.requiredWhen, 'approval.requiredWhen')
        : []),
    ];
    if (input.approval && input.approval.policy !== 'none' && (input.approval.groups ?? []).length === 0) {
      issues.push({
        path: 'approval.groups',
        message: `at least one group is required with policy ${input.approval.policy}`,
      });
    }
    const escalate = input.approval?.escalateAfterHours ?? CATALOG_LIMITS.escalateAfterHours;
    const expire = input.approval?.expireAfterHours ?? CATALOG_LIMITS.expireAfterHours;
    if (expire <= escalate) {
      issues.push({ path: 'approval.expireAfterHours', message: 'must be greater than escalateAfterHours' });
    }
    if (issues.length > 0) throw new ValidationError(issues);
  }

  /** The service must be live; every group named must exist (one cached read each, in parallel). */
  private async checkReferences(
    item: Omit<CatalogItem, 'version' | 'createdAt' | 'updatedAt'>,
  ): Promise<void> {
    const named: { path: string; id: string }[] = [
      ...item.audience.groups.map((id, at) => ({ path: `audience.groups.${at}`, id })),
      ...item.approval.groups.map((id, at) => ({ path: `approval.groups.${at}`, id })),
      ...item.fulfilment.steps.map((step, at) => ({
        path: `fulfilment.steps.${at}.groupId`,
        id: step.groupId,
      })),
    ];
    const [services, existing] = await Promise.all([
      this.cmdb.services([item.serviceId]),
      this.groups.existing([...new Set(named.map((each) => each.id))]),
    ]);
    if (!isLiveService(services.get(item.serviceId))) {
      throw new UnprocessableError(`${item.serviceId} is not a live service`, 'service_not_live', [
        { path: 'serviceId', message: `${item.serviceId} is not a live service` },
      ]);
    }
    const issues: FieldError[] = [];
    for (const each of named) {
      if (!existing.has(each.id))
        issues.push({ path: each.path, message: `group ${each.id} does not exist` });
    }
    if (issues.length > 0) throw new ValidationError(issues);
  }

  private history(
    caller: Caller,
    before: CatalogItem | undefined,
    after: CatalogItem,
    now: string,
  ): CatalogHistoryEntry {
    const events: CatalogHistoryEntry['events'][number][] = [];
    const detail = {
      catalogItemId: after.id,
      name: after.name,
      serviceId: after.serviceId,
      version: after.version,
    };
    if (after.status !== before?.status && after.status === 'published') {
      events.push({ detailType: 'Catalog Item Published', detail });
    }
    if (after.status !== before?.status && after.status === 'retired') {
      events.push({ detailType: 'Catalog Item Retired', detail });
    }
    return {
      id: this.newId(),
      recordId: after.id,
      at: now,
      actor: actorOf(caller),
      action: before ? 'updated' : 'created',
      changes: before
        ? (
            [
              'name',
              'status',
              'serviceId',
              'formSchema',
              'approval',
              'fulfilment',
              'audience',
              'defaults',
            ] as const
          )
            .filter((field) => JSON.stringify(before[field]) !== JSON.stringify(after[field]))
            .map((field) => ({
              field,
              from: field === 'formSchema' ? null : before[field],
              to: field === 'formSchema' ? null : after[field],
            }))
        : [],
      events,
    };
  }
}

/** draft → published → retired: never back (409 invalid_transition with the allowed ones). */
function assertStatusMove(from: CatalogItemStatus | undefined, to: CatalogItemStatus): void {
  if (from === undefined) return;
  const allowed = CATALOG_ITEM_STATUSES.slice(CATALOG_ITEM_STATUSES.indexOf(from));
  if (!allowed.includes(to)) {
    throw new ConflictError(
      `a catalog item cannot move from ${from} to ${to}; allowed: ${allowed.join(', ')}`,
      {
        code: 'invalid_transition',
        from,
        to,
        allowed,
      },
    );
  }
}

function itemFrom(
  id: string,
  input: CatalogItemInput,
): Omit<CatalogItem, 'version' | 'createdAt' | 'updatedAt'> {
  return {
    id,
    name: input.name,
    description: input.description ?? '',
    category: input.category ?? null,
    serviceId: input.serviceId,
    status: input.status ?? 'draft',
    audience: { groups: [...new Set(input.audience?.groups ?? [])] },
    formSchema: input.formSchema,
    approval: {
      policy: input.approval?.policy ?? 'none',
      groups: [...new Set(input.approval?.groups ?? [])],
      requiredWhen: input.approval?.requiredWhen ?? null,
      escalateAfterHours: input.approval?.escalateAfterHours ?? CATALOG_LIMITS.escalateAfterHours,
      expireAfterHours: input.approval?.expireAfterHours ?? CATALOG_LIMITS.expireAfterHours,
    },
    fulfilment: {
      steps: (input.fulfilment?.steps ?? []).map((step) => ({
        id: step.id,
        name: step.name,
        groupId: step.groupId,
        after: [...new Set(step.after ?? [])],
        instructions: step.instructions ?? null,
      })),
    },
    defaults: {
      impact: input.defaults?.impact ?? 3,
      urgency: input.defaults?.urgency ?? 3,
      category: input.defaults?.category ?? input.category ?? null,
    },
  };
}
