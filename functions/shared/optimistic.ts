import { ServiceBusyError } from './errors.js';
import { StaleWriteError } from './store.js';

/** Enough rounds for 20+ simultaneous writers on one record to all land (each round one wins). */
const MAX_ATTEMPTS = 30;

/**
 * Runs read-modify-write until its conditional write lands. A caller without `If-Match` never loses
 * a concurrent change: on a stale write we re-read and re-apply the same intent.
 */
export async function withOptimisticRetry<T>(
  attempt: (round: number) => Promise<T>,
  retryStale = true,
): Promise<T> {
  for (let round = 1; ; round++) {
    try {
      return await attempt(round);
    } catch (error) {
      if (!(error instanceof StaleWriteError) || !retryStale) throw error;
      if (round >= MAX_ATTEMPTS) {
        throw new ServiceBusyError(
          `${error.recordId} is being changed by many writers at once; retry shortly`,
          'too_many_writers',
        );
      }
      await sleep(Math.random() * Math.min(100, 4 * round));
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
