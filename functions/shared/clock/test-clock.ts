import type { Clock } from './clock.js';

/**
 * A clock that can be moved, for the local runtime and tests (`POST /_local/clock`). It starts at
 * real, running time. Once set (or advanced) it stands still at that instant until it is set or
 * advanced again, as a Stripe test clock does: a ticket created after `set(09:00)` is created at
 * 09:00:00.000, not a few milliseconds later, so due times come out exact. `reset()` returns to
 * real time.
 *
 * Nothing relies on time moving by itself: ids are monotonic within an instant (ulid's monotonic
 * factory), records that share an instant sort by id, and whatever waits for a time (workflow
 * Waits, task-token deadlines, the SLA sweeper) waits for the clock to be moved there.
 */
export class TestClock implements Clock {
  /** The instant time stands at; undefined while the clock follows real time. */
  private frozenAt: number | undefined;

  constructor(private readonly realNow: () => number = Date.now) {}

  now(): Date {
    return new Date(this.frozenAt ?? this.realNow());
  }

  /** From now on, now() is `instant`, until the next set(), advance() or reset(). */
  set(instant: Date): Date {
    const target = instant.getTime();
    if (Number.isNaN(target)) throw new RangeError('TestClock.set: invalid date');
    this.frozenAt = target;
    return this.now();
  }

  /** The same as set(): stops time at `instant` (by default, at the current instant). */
  freeze(instant: Date = this.now()): Date {
    return this.set(instant);
  }

  /**
   * Moves the clock forward (or back, with a negative number) by whole or fractional minutes, and
   * leaves it standing there; from real time, it moves from the real instant of the call.
   */
  advance(minutes: number): Date {
    if (!Number.isFinite(minutes)) throw new RangeError('TestClock.advance: minutes must be a finite number');
    return this.set(new Date(this.now().getTime() + minutes * 60_000));
  }

  /** Back to real, running time. */
  reset(): Date {
    this.frozenAt = undefined;
    return this.now();
  }

  /** Whether time stands still (set or advanced since the last reset). */
  get frozen(): boolean {
    return this.frozenAt !== undefined;
  }
}
