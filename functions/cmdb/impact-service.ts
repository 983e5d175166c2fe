import { NotFoundError, UnprocessableError } from '../shared/errors.js';
import type { ImpactDirection } from './graph.js';
import { analyseImpact, type ImpactResult, type WalkStats } from './impact.js';
import type { CmdbStore } from './store/cmdb-store.js';

export interface ImpactOptions {
  readonly depth: number;
  readonly redundancy: boolean;
  readonly includeRetired: boolean;
}

/** Impact analysis (docs/cmdb.md#impact-analysis): one CI either way, or several failing together. */
export class ImpactService {
  /** The last walk's costs, for the benchmark (never part of a response). */
  lastStats: WalkStats | undefined;

  constructor(private readonly store: CmdbStore) {}

  async ofCi(id: string, direction: ImpactDirection, options: ImpactOptions): Promise<ImpactResult> {
    const result = await this.walk([id], direction, options);
    // The walk read the CI first; only a root it did not walk from (absent, or retired and left
    // out) needs asking whether it exists at all.
    if (result.roots.length === 0 && !(await this.store.getCi(id)))
      throw new NotFoundError(`CI ${id} not found`);
    return result;
  }

  /** POST /impact-analysis: the CIs in `down` fail together (every one must exist). */
  async simulate(
    down: readonly string[],
    options: Omit<ImpactOptions, 'includeRetired'>,
  ): Promise<ImpactResult> {
    const roots = [...new Set(down)];
    const found = await this.store.getCis(roots);
    const errors = down
      .map((id, index) => ({ id, index }))
      .filter(({ id }) => !found.has(id))
      .map(({ id, index }) => ({ path: `down.${index}`, message: `unknown CI ${id}` }));
    if (errors.length > 0)
      throw new UnprocessableError(
        `Unknown CIs: ${errors.map((e) => e.path).join(', ')}`,
        'unknown_ci',
        errors,
      );
    return this.walk(roots, 'downstream', { ...options, includeRetired: false });
  }

  private async walk(
    roots: string[],
    direction: ImpactDirection,
    options: ImpactOptions,
  ): Promise<ImpactResult> {
    const { result, stats } = await analyseImpact(this.store.graph(), {
      roots,
      direction,
      depth: options.depth,
      redundancy: direction === 'downstream' && options.redundancy,
      includeRetired: options.includeRetired,
    });
    this.lastStats = stats;
    return result;
  }
}
