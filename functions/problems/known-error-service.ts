import type { CiDirectory } from '../cmdb/ci-directory.js';
import { checkCiIds } from '../cmdb/ci-directory.js';
import type { Caller } from '../shared/authz.js';
import type { Clock } from '../shared/clock/clock.js';
import { NotFoundError, PreconditionFailedError } from '../shared/errors.js';
import { withOptimisticRetry } from '../shared/optimistic.js';
import { type Page, type PageRequest, StaleWriteError } from '../shared/store.js';
import type { HistoryEntry } from '../tickets/model.js';
import { assertKnownErrorWriter, readsAllKnownErrors } from './access.js';
import {
  formatKnownErrorId,
  KNOWN_ERROR_ID_PATTERN,
  type KnownError,
  type KnownErrorFilter,
  type KnownErrorInput,
  type KnownErrorPatch,
} from './model.js';
import { creationHistory, newKnownError, patchKnownError, type Stamp, updateHistory } from './rules.js';
import type { KnownErrorStore } from './store/error-store.js';

/** Known error use cases (docs/problems.md#known-errors). */
export class KnownErrorService {
  constructor(
    private readonly store: KnownErrorStore,
    private readonly cmdb: CiDirectory,
    private readonly clock: Clock,
    private readonly newId: () => string,
    private readonly strictCiIds = true,
  ) {}

  /** Two round trips: the number and the CIs in parallel, then one transaction. */
  async create(caller: Caller, input: KnownErrorInput): Promise<KnownError> {
    assertKnownErrorWriter(caller, 'write known errors');
    const [sequence, found] = await Promise.all([
      this.store.nextSequence(),
      this.cmdb.cis([...new Set(input.ciIds ?? [])]),
    ]);
    const { unknownCiIds } = checkCiIds(input.ciIds ?? [], found, { strict: this.strictCiIds });
    const stamp = this.stamp();
    const error = newKnownError(formatKnownErrorId(sequence), input, unknownCiIds, stamp);
    await this.store.commit({ after: error, history: creationHistory(error, caller, stamp) });
    return error;
  }

  async get(caller: Caller, id: string): Promise<KnownError> {
    const error = KNOWN_ERROR_ID_PATTERN.test(id) ? await this.store.get(id) : undefined;
    if (!error || !visibleTo(error, caller)) throw new NotFoundError(`known error ${id} does not exist`);
    return error;
  }

  list(caller: Caller, filter: KnownErrorFilter, page: PageRequest): Promise<Page<KnownError>> {
    const scoped = readsAllKnownErrors(caller) ? filter : { ...filter, publicOnly: true };
    return this.store.list(scoped, page);
  }

  async history(caller: Caller, id: string, page: PageRequest): Promise<Page<HistoryEntry>> {
    assertKnownErrorWriter(caller, 'read known error history');
    await this.get(caller, id);
    return this.store.history(id, page);
  }

  /** PATCH: with `ifMatch` a stale version is 412; without, a lost race is re-read and re-applied. */
  update(caller: Caller, id: string, input: KnownErrorPatch, ifMatch?: number): Promise<KnownError> {
    assertKnownErrorWriter(caller, 'write known errors');
    const cis = this.cmdb.cis([...new Set(input.ciIds ?? [])]);
    return withOptimisticRetry(async () => {
      const [before, found] = await Promise.all([this.get(caller, id), cis]);
      if (ifMatch !== undefined && before.version !== ifMatch) {
        throw new PreconditionFailedError(
          `${id} is at version ${before.version}, not ${ifMatch}`,
          before.version,
          'stale_version',
        );
      }
      const unknownCiIds =
        input.ciIds === undefined
          ? before.unknownCiIds
          : [
              ...checkCiIds(input.ciIds, found, { strict: this.strictCiIds, alreadyOnRecord: before.ciIds })
                .unknownCiIds,
            ].filter((ciId) => !before.ciIds.includes(ciId) || before.unknownCiIds.includes(ciId));
      const stamp = this.stamp();
      const { after, changes } = patchKnownError(before, input, unknownCiIds, stamp);
      if (changes.length === 0) return before;
      try {
        await this.store.commit({
          before,
          after,
          history: updateHistory(before, after, changes, caller, stamp),
        });
      } catch (error) {
        if (error instanceof StaleWriteError && ifMatch !== undefined) {
          throw new PreconditionFailedError(
            `${id} changed while this update was applied`,
            error.currentVersion,
            'stale_version',
          );
        }
        throw error;
      }
      return after;
    });
  }

  private stamp(): Stamp {
    return { now: this.clock.now().toISOString(), eventId: this.newId() };
  }
}

/** Requesters see published public errors only; the rest is 404 to them. */
export function visibleTo(error: KnownError, caller: Caller): boolean {
  return readsAllKnownErrors(caller) || (error.public && error.status === 'published');
}
