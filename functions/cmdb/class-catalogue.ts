import type { Clock } from '../shared/clock/clock.js';
import type { CiClass, ClassIndex } from './classes.js';
import type { CmdbStore } from './store/cmdb-store.js';

/** How long a container trusts its copy of the classes (they change rarely, by admins). */
const CLASS_CACHE_MS = 30_000;

/**
 * The class tree, read once per container and kept briefly: every CI write and class-filtered
 * list needs the whole chain, and the tree is a few dozen small items. A class written through
 * this container is seen at once; one written elsewhere within CLASS_CACHE_MS.
 */
export class ClassCatalogue {
  private cached: { index: ClassIndex; at: number } | undefined;
  private loading: Promise<ClassIndex> | undefined;

  constructor(
    private readonly store: Pick<CmdbStore, 'listClasses'>,
    private readonly clock: Clock,
  ) {}

  async index(): Promise<ClassIndex> {
    const now = this.clock.now().getTime();
    if (this.cached && now - this.cached.at < CLASS_CACHE_MS && now >= this.cached.at)
      return this.cached.index;
    this.loading ??= this.store
      .listClasses()
      .then((classes) => {
        const index = new Map(classes.map((c) => [c.id, c]));
        this.cached = { index, at: this.clock.now().getTime() };
        return index;
      })
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }

  /** After a class write here: the next read sees it. */
  remember(ciClass: CiClass): void {
    if (!this.cached) return;
    const index = new Map(this.cached.index);
    index.set(ciClass.id, ciClass);
    this.cached = { index, at: this.cached.at };
  }
}
