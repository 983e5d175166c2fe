import type { Clock } from './clock.js';

/**
 * A clock that can be moved, for the local runtime and tests (`POST /_local/clock`). It is an
 * offset on the real clock, not a frozen instant: after `set()` time keeps moving from the set
 * instant, so "created, then updated a moment later" still orders correctly.
 */
export class TestClock implements Clock {
  private offsetMs = 0;
  /** When set, time stands still at this instant (tests that assert exact due times). */
  private frozenAt: number | undefined;

  constructor(private readonly realNow: () => number = Date.now) {}

  now(): Date {
    return new Date(this.frozenAt ?? this.realNow() + this.offsetMs);
  }

  /** From now on, now() continues from `instant` (or stays at it, when frozen). */
  set(instant: Date): Date {
    const target = instant.getTime();
    if (Number.isNaN(target)) throw new RangeError('TestClock.set: invalid date');
    if (this.frozenAt !== undefined) this.frozenAt = target;
    else this.offsetMs = target - this.realNow();
    return this.now();
  }

  /** Stops time at `instant` until `reset()`; set() and advance() then move the frozen instant. */
  freeze(instant: Date = this.now()): Date {
    this.frozenAt = this.now().getTime();
    return this.set(instant);
  }

  /** Moves the clock forward (or back, with a negative number) by whole or fractional minutes. */
  advance(minutes: number): Date {
    if (!Number.isFinite(minutes)) throw new RangeError('TestClock.advance: minutes must be a finite number');
    if (this.frozenAt !== undefined) this.frozenAt += minutes * 60_000;
    else this.offsetMs += minutes * 60_000;
    return this.now();
  }

  /** Back to real, running time. */
  reset(): Date {
    this.offsetMs = 0;
    this.frozenAt = undefined;
    return this.now();
  }

  /** How far the clock is from real time, in milliseconds. */
  get offset(): number {
    return this.offsetMs;
  }
}
