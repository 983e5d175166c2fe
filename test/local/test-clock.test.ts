import { describe, expect, it } from 'vitest';
import { TestClock } from '../../functions/shared/clock/test-clock.js';
import { RecordingEventBus } from '../../functions/shared/outbox/recording-bus.js';

describe('TestClock', () => {
  it('starts at real time', () => {
    const clock = new TestClock();
    expect(Math.abs(clock.now().getTime() - Date.now())).toBeLessThan(50);
  });

  it('stands still at a set instant until it is set or advanced again', () => {
    let real = 1_000_000;
    const clock = new TestClock(() => real);
    expect(clock.frozen).toBe(false);
    clock.set(new Date('2026-01-01T09:00:00.000Z'));
    expect(clock.frozen).toBe(true);
    real += 1_500;
    expect(clock.now().toISOString()).toBe('2026-01-01T09:00:00.000Z');
    clock.advance(1);
    real += 60_000;
    expect(clock.now().toISOString()).toBe('2026-01-01T09:01:00.000Z');
    expect(clock.reset().getTime()).toBe(real); // real, running time again
    real += 5;
    expect(clock.now().getTime()).toBe(real);
    expect(clock.frozen).toBe(false);
  });

  it('advancing from real time stops the clock there', () => {
    let real = 1_000_000;
    const clock = new TestClock(() => real);
    expect(clock.advance(1).getTime()).toBe(1_060_000);
    real += 30_000;
    expect(clock.now().getTime()).toBe(1_060_000);
  });

  it('advances by minutes, also fractional and backwards', () => {
    const clock = new TestClock(() => 0);
    clock.set(new Date('2026-01-01T00:00:00.000Z'));
    expect(clock.advance(90).toISOString()).toBe('2026-01-01T01:30:00.000Z');
    expect(clock.advance(0.5).toISOString()).toBe('2026-01-01T01:30:30.000Z');
    expect(clock.advance(-30.5).toISOString()).toBe('2026-01-01T01:00:00.000Z');
  });

  it('resets to real time and refuses nonsense', () => {
    const clock = new TestClock(() => 5_000);
    clock.advance(10);
    expect(clock.reset().getTime()).toBe(5_000);
    expect(() => clock.set(new Date('nope'))).toThrow(RangeError);
    expect(() => clock.advance(Number.NaN)).toThrow(RangeError);
  });
});

describe('RecordingEventBus', () => {
  const event = (n: number) => ({ detailType: 'Ticket Created', detail: { eventId: `e${n}` }, time: 't' });

  it('records events in order and drops the oldest beyond its capacity', async () => {
    const bus = new RecordingEventBus(3);
    await bus.publish([event(1), event(2)]);
    await bus.publish([event(3), event(4)]);
    expect(bus.list().map((e) => e.detail.eventId)).toEqual(['e2', 'e3', 'e4']);
    bus.clear();
    expect(bus.list()).toEqual([]);
  });
});
