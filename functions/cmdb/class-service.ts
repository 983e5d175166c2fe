import type { Clock } from '../shared/clock/clock.js';
import { ConflictError, ValidationError } from '../shared/errors.js';
import type { SchemaValidators } from '../shared/json-schema/compiled.js';
import { StaleWriteError } from '../shared/store.js';
import { upsertVersioned } from '../shared/versioned-upsert.js';
import type { ClassCatalogue } from './class-catalogue.js';
import { type CiClass, isServiceFamily, SEEDED_CLASSES, wouldCycle } from './classes.js';
import { isServiceClass } from './model.js';
import type { CmdbStore } from './store/cmdb-store.js';

export type CiClassInput = Pick<CiClass, 'name' | 'parent' | 'abstract' | 'attributesSchema'>;

/**
 * Class administration (docs/cmdb.md#classes). A schema change does not re-validate existing CIs:
 * each is checked against the new effective schema on its next write.
 */
export class ClassService {
  constructor(
    private readonly store: CmdbStore,
    private readonly catalogue: ClassCatalogue,
    private readonly schemas: SchemaValidators,
    private readonly clock: Clock,
  ) {}

  async list(): Promise<CiClass[]> {
    return [...(await this.catalogue.index()).values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  async put(
    id: string,
    input: CiClassInput,
    ifMatch: number | undefined,
  ): Promise<{ ciClass: CiClass; created: boolean }> {
    const issues =
      Object.keys(input.attributesSchema).length === 0
        ? []
        : this.schemas.checkSchema(input.attributesSchema, 'attributesSchema', { rootType: 'object' });
    if (issues.length > 0) throw new ValidationError(issues);
    const { record, created } = await upsertVersioned<CiClass>(
      id,
      ifMatch,
      () => this.store.getClass(id),
      async (version, existing) => {
        // Read fresh, not from the cache: a parent written a moment ago elsewhere must count.
        const classes = new Map((await this.store.listClasses()).map((c) => [c.id, c]));
        if (input.parent !== null && !classes.has(input.parent))
          throw new ValidationError([{ path: 'parent', message: `unknown class ${input.parent}` }]);
        // Services are exactly the two service classes: they take no subclasses and no parent.
        if (input.parent !== null && (isServiceClass(id) || isServiceFamily(input.parent, classes)))
          throw new ValidationError([
            { path: 'parent', message: 'the service classes take no subclasses and no parent' },
          ]);
        if (wouldCycle(id, input.parent, classes))
          throw new ConflictError(`Class ${input.parent} is below ${id}`, { code: 'class_cycle' });
        const now = this.clock.now().toISOString();
        const ciClass: CiClass = {
          id,
          ...input,
          version,
          createdAt: existing?.createdAt ?? now,
          updatedAt: now,
        };
        await this.store.putClass(ciClass, version - 1);
        return ciClass;
      },
    );
    this.catalogue.remember(record);
    return { ciClass: record, created };
  }
}

/** Seeds the classes every stack starts with; existing ones (perhaps changed by an admin) are kept. */
export async function seedClasses(store: CmdbStore, clock: Clock): Promise<void> {
  const existing = new Set((await store.listClasses()).map((c) => c.id));
  const now = clock.now().toISOString();
  // Parents first, so a class never names a parent that is not stored yet.
  for (const seed of SEEDED_CLASSES) {
    if (existing.has(seed.id)) continue;
    try {
      await store.putClass({ ...seed, attributesSchema: {}, version: 1, createdAt: now, updatedAt: now }, 0);
    } catch (error) {
      // A concurrent seed stored it first: the same class, nothing to do.
      if (!(error instanceof StaleWriteError)) throw error;
    }
  }
}
