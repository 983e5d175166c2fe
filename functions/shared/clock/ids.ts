import { monotonicFactory } from 'ulid';
import type { Clock } from './clock.js';

/**
 * One monotonic ulid source per process: per container on AWS, and shared by every function of the
 * local runtime, whose test clock can stand still (TestClock). Ids drawn at the same instant then
 * still sort in the order they were drawn, whichever function drew them: a ticket created by mail
 * and updated over the API at the same frozen instant keeps its history in that order (the history
 * and comment keys sort by time, then id).
 */
const next = monotonicFactory();

/** Time-ordered ids on this clock (ulid), strictly increasing within the process. */
export function idsOn(clock: Clock): () => string {
  return () => next(clock.now().getTime());
}
