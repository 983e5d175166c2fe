/** What every store port shares: pages with opaque resume keys, and the optimistic-write conflict. */

/** A page of results and where the next one starts (opaque to the domain; the HTTP layer signs it). */
export interface Page<T> {
  readonly items: T[];
  readonly lastKey?: Record<string, unknown>;
}

export interface PageRequest {
  readonly limit: number;
  readonly startKey?: Record<string, unknown>;
}

/** The version read is no longer current: someone else wrote first. */
export class StaleWriteError extends Error {
  constructor(
    readonly recordId: string,
    readonly currentVersion?: number,
  ) {
    super(`${recordId} changed since it was read`);
  }
}
