import type { GroupStore } from '../groups/store/group-store.js';
import type { Caller } from '../shared/authz.js';
import type { Clock } from '../shared/clock/clock.js';
import { ConflictError, type FieldError, NotFoundError, ValidationError } from '../shared/errors.js';
import type { SchemaValidators } from '../shared/json-schema/compiled.js';
import type { Page, PageRequest } from '../shared/store.js';
import { upsertVersioned } from '../shared/versioned-upsert.js';
import { assertStatusMove, ciFromInput, ciWriteHistory, type Stamp, warrantyNoticeAt } from './ci-rules.js';
import type { ClassCatalogue } from './class-catalogue.js';
import {
  type ClassIndex,
  concreteSubclasses,
  effectiveSchema,
  effectiveSchemaKey,
  isServiceFamily,
} from './classes.js';
import type { Ci, CiHistoryEntry, CiInput } from './model.js';
import { matchesCiQuery } from './store/cmdb-queries.js';
import { type CiQuery, ClaimTakenError, type CmdbStore } from './store/cmdb-store.js';

/** GET /cis filters as the API takes them: `class` names a class whose subclasses count too. */
export interface CiListFilter extends Omit<CiQuery, 'classes' | 'services' | 'portfolioStatus'> {
  readonly class?: string;
  readonly identifier?: string;
}

/** Who may write a CI, and how a service write differs (docs/cmdb.md#services). */
export interface CiWriteOptions {
  /** Writing through /services: the class must be of the service family. */
  readonly service: boolean;
}

/** CI use cases (docs/cmdb.md#configuration-items): PUT, reads, lists, history. */
export class CiService {
  constructor(
    private readonly store: CmdbStore,
    private readonly classes: ClassCatalogue,
    private readonly groups: GroupStore,
    private readonly schemas: SchemaValidators,
    private readonly clock: Clock,
    private readonly newId: () => string,
  ) {}

  async get(id: string): Promise<Ci> {
    const ci = await this.store.getCi(id);
    if (!ci) throw new NotFoundError(`CI ${id} not found`);
    return ci;
  }

  /** PUT: create or replace. With `ifMatch` a stale version is 412; without, a lost race is re-applied. */
  async put(
    caller: Caller,
    id: string,
    input: CiInput,
    ifMatch: number | undefined,
    options: CiWriteOptions = { service: false },
  ): Promise<{ ci: Ci; created: boolean }> {
    const [classes] = await Promise.all([this.classes.index(), this.assertGroupsExist(input)]);
    this.assertClassUsable(input, classes, options);
    const { record, created } = await upsertVersioned<Ci>(
      id,
      ifMatch,
      () => this.store.getCi(id),
      async (_version, before) => {
        if (before && isServiceFamily(before.class, classes) !== options.service) {
          throw new ValidationError([
            {
              path: 'class',
              message: options.service
                ? `${id} is a CI, not a service`
                : `${id} is a service: write it through PUT /services/${id}`,
            },
          ]);
        }
        assertStatusMove(before, input.status, caller);
        const stamp = this.stamp();
        const after = ciFromInput(id, input, before, stamp);
        const history = ciWriteHistory(before, after, caller, stamp, options);
        if (!history) return before!;
        try {
          await this.store.putCi({
            ...(before && { before }),
            after,
            history,
            warrantyNoticeAt: warrantyNoticeAt(before, after, stamp.now.slice(0, 10)),
          });
        } catch (error) {
          if (error instanceof ClaimTakenError) throw claimConflict(error);
          throw error;
        }
        return after;
      },
    );
    return { ci: record, created };
  }

  async list(filter: CiListFilter, page: PageRequest): Promise<Page<Ci>> {
    const { class: classId, identifier, ...rest } = filter;
    let classes: string[] | undefined;
    if (classId !== undefined) {
      const index = await this.classes.index();
      if (!index.has(classId))
        throw new ValidationError([{ path: 'class', message: `unknown class ${classId}` }]);
      classes = concreteSubclasses(classId, index);
    }
    const query: CiQuery = { ...rest, ...(classes && { classes }) };
    if (identifier !== undefined) return this.listByIdentifier(identifier, query);
    if (classes?.length === 0) return { items: [] };
    return this.store.listCis(query, page);
  }

  /** One CI at most holds an identifier: a claim read, then the CI. */
  private async listByIdentifier(identifier: string, query: CiQuery): Promise<Page<Ci>> {
    const holder = await this.store.ciByIdentifier(identifier);
    const ci = holder ? await this.store.getCi(holder) : undefined;
    if (!ci) return { items: [] };
    return { items: matchesCiQuery(ci, query) ? [ci] : [] };
  }

  async history(id: string, page: PageRequest): Promise<Page<CiHistoryEntry>> {
    await this.get(id);
    return this.store.listHistory(id, page);
  }

  private assertClassUsable(input: CiInput, classes: ClassIndex, options: CiWriteOptions): void {
    const ciClass = classes.get(input.class);
    const errors: FieldError[] = [];
    if (!ciClass) errors.push({ path: 'class', message: `unknown class ${input.class}` });
    else if (ciClass.abstract) errors.push({ path: 'class', message: `${input.class} is abstract` });
    else if (isServiceFamily(input.class, classes) !== options.service)
      errors.push({
        path: 'class',
        message: options.service
          ? 'must be business_service or technical_service'
          : 'service classes are written through PUT /services/{id}',
      });
    if (errors.length > 0) throw new ValidationError(errors);
    const schema = effectiveSchema(input.class, classes);
    const issues = this.schemas.validate(
      effectiveSchemaKey(input.class, classes),
      schema,
      input.attributes,
      'attributes',
    );
    if (issues.length > 0) throw new ValidationError(issues);
  }

  private async assertGroupsExist(input: CiInput): Promise<void> {
    const named = (['ownerGroup', 'supportGroup'] as const).filter((field) => input[field]);
    if (named.length === 0) return;
    const existing = await this.groups.existing([...new Set(named.map((field) => input[field]!))]);
    const errors = named
      .filter((field) => !existing.has(input[field]!))
      .map((field) => ({ path: field, message: `unknown group ${input[field]}` }));
    if (errors.length > 0) throw new ValidationError(errors);
  }

  private stamp(): Stamp {
    return { now: this.clock.now().toISOString(), eventId: this.newId() };
  }
}

function claimConflict(error: ClaimTakenError): ConflictError {
  return error.claim === 'identifier'
    ? new ConflictError(`Identifier ${error.value} is held by CI ${error.heldBy}`, {
        code: 'identifier_taken',
        identifier: error.value,
        ciId: error.heldBy,
      })
    : new ConflictError(`Asset tag ${error.value} is carried by CI ${error.heldBy}`, {
        code: 'asset_tag_taken',
        assetTag: error.value,
        ciId: error.heldBy,
      });
}
