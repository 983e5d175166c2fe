import { ServiceBusyError } from './errors.js';
import { StaleWriteError } from './store.js';

/** Enough rounds for 20+ simultaneous writers on one record to all land (each round one wins). */
const MAX_ATTEMPTS = 30;
/** Backoff before round n: a random wait up to min(CAP, BASE · 2^n) ("full jitter"). */
const BACKOFF_BASE_MS = 5;
const BACKOFF_CAP_MS = 200;

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
      // Losers spread out more each round, so a crowd on one record thins instead of colliding
      // again in step (bounded: 30 rounds wait at most ~5 s in all).
      await sleep(Math.random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** round));
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
