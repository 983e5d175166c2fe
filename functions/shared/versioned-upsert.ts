import { PreconditionFailedError } from './errors.js';
import { withOptimisticRetry } from './optimistic.js';
import { StaleWriteError } from './store.js';

/**
 * PUT semantics for configuration records (groups, calendars, policies): create or replace, with
 * `If-Match` → 412 when stale, and without it a lost race re-read and re-applied. `write` gets the
 * new version and the record as read, and stores conditionally on `version - 1`.
 */
export function upsertVersioned<T extends { version: number }>(
  id: string,
  ifMatch: number | undefined,
  read: () => Promise<T | undefined>,
  write: (version: number, existing: T | undefined) => Promise<T>,
): Promise<{ record: T; created: boolean }> {
  return withOptimisticRetry(async () => {
    const existing = await read();
    const version = existing?.version ?? 0;
    if (ifMatch !== undefined && version !== ifMatch) {
      throw new PreconditionFailedError(
        `${id} is at version ${version}, not ${ifMatch}`,
        version,
        'stale_version',
      );
    }
    try {
      return { record: await write(version + 1, existing), created: !existing };
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
  });
}
