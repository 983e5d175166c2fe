import { describe, expect, it } from 'vitest';
import {
  checkRange,
  dayOf,
  daysBetween,
  isDay,
  mean,
  percent,
  periodOf,
  periodsOf,
  readPlan,
  roundHalfUp,
  startOfDay,
} from '../../functions/reports/period.js';
import { ValidationError } from '../../functions/shared/errors.js';

function pathsOf(run: () => void): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error.errors.map((e) => e.path);
    throw error;
  }
  return [];
}

describe('period rules', () => {
  it('accepts a half-open range of 1 to 366 days', () => {
    expect(pathsOf(() => checkRange('2026-01-01', '2026-01-02'))).toEqual([]);
    expect(pathsOf(() => checkRange('2024-01-01', '2025-01-01'))).toEqual([]); // leap year: 366 days
  });

  it('refuses from ≥ to at /from and a longer range at /to', () => {
    expect(pathsOf(() => checkRange('2026-02-01', '2026-02-01'))).toEqual(['from']);
    expect(pathsOf(() => checkRange('2026-03-01', '2026-02-01'))).toEqual(['from']);
    expect(pathsOf(() => checkRange('2025-01-01', '2026-01-03'))).toEqual(['to']);
    expect(daysBetween('2025-01-01', '2026-01-02')).toBe(366);
    expect(pathsOf(() => checkRange('2025-01-01', '2026-01-02'))).toEqual([]);
  });

  it('knows real dates only', () => {
    expect(isDay('2026-02-28')).toBe(true);
    expect(isDay('2026-02-30')).toBe(false);
    expect(isDay('2026-2-3')).toBe(false);
    expect(isDay('2026-02-03T00:00:00Z')).toBe(false);
  });

  it('groups days into ISO weeks (Monday) and months, keeping partial ends', () => {
    expect(periodOf('2026-01-01', 'week')).toBe('2025-12-29'); // a Thursday; its week starts in December
    expect(periodOf('2026-01-04', 'week')).toBe('2025-12-29'); // Sunday ends the ISO week
    expect(periodOf('2026-01-05', 'week')).toBe('2026-01-05');
    expect(periodOf('2026-01-31', 'month')).toBe('2026-01-01');
    expect(periodOf('2026-01-31', 'none')).toBeNull();
    const weeks = periodsOf('2026-01-01', '2026-01-13', 'week');
    expect(weeks.map((w) => [w.period, w.days.length])).toEqual([
      ['2025-12-29', 4],
      ['2026-01-05', 7],
      ['2026-01-12', 1],
    ]);
    expect(periodsOf('2026-01-30', '2026-02-02', 'month').map((m) => m.period)).toEqual([
      '2026-01-01',
      '2026-02-01',
    ]);
    expect(periodsOf('2026-01-01', '2026-01-04', 'day').map((d) => d.period)).toEqual([
      '2026-01-01',
      '2026-01-02',
      '2026-01-03',
    ]);
  });

  it('rounds half up: percentages to 1 decimal (null on 0), means to 2', () => {
    expect(roundHalfUp(1.05, 1)).toBe(1.1);
    expect(roundHalfUp(1.005, 2)).toBe(1.01);
    expect(roundHalfUp(2.345, 2)).toBe(2.35);
    expect(roundHalfUp(-1.25, 1)).toBe(-1.3);
    expect(percent(1, 3)).toBe(33.3);
    expect(percent(2, 3)).toBe(66.7);
    expect(percent(1, 8)).toBe(12.5);
    expect(percent(1, 16)).toBe(6.3); // 6.25 → 6.3, half up
    expect(percent(0, 0)).toBeNull();
    expect(mean(10, 3)).toBe(3.33);
    expect(mean(5, 0)).toBeNull();
    expect(mean(1.125 * 8, 8)).toBe(1.13);
  });

  it('puts instants into report-time days', () => {
    expect(dayOf('2026-03-01T23:30:00.000Z', 'UTC')).toBe('2026-03-01');
    expect(dayOf('2026-03-01T23:30:00.000Z', 'Europe/Berlin')).toBe('2026-03-02');
    expect(dayOf('2026-03-01T03:00:00.000Z', 'America/New_York')).toBe('2026-02-28');
    expect(startOfDay('2026-03-02', 'Europe/Berlin').toISOString()).toBe('2026-03-01T23:00:00.000Z');
    // The spring-forward day in Berlin is 23 hours long; days still start at local midnight.
    expect(startOfDay('2026-03-30', 'Europe/Berlin').toISOString()).toBe('2026-03-29T22:00:00.000Z');
  });

  it('reads whole months from month items only for periods over 92 days without a day or week interval', () => {
    expect(readPlan('2026-01-01', '2026-04-01', 'none')).toEqual({
      dayRanges: [{ from: '2026-01-01', to: '2026-03-31' }],
      months: [],
    }); // 90 days
    expect(readPlan('2026-01-15', '2026-07-10', 'none')).toEqual({
      dayRanges: [
        { from: '2026-01-15', to: '2026-01-31' },
        { from: '2026-07-01', to: '2026-07-09' },
      ],
      months: ['2026-02', '2026-03', '2026-04', '2026-05', '2026-06'],
    });
    expect(readPlan('2026-01-01', '2027-01-01', 'month')).toEqual({
      dayRanges: [],
      months: [
        '2026-01',
        '2026-02',
        '2026-03',
        '2026-04',
        '2026-05',
        '2026-06',
        '2026-07',
        '2026-08',
        '2026-09',
        '2026-10',
        '2026-11',
        '2026-12',
      ],
    });
    expect(readPlan('2026-01-15', '2026-07-10', 'week').months).toEqual([]);
    expect(readPlan('2026-01-15', '2026-07-10', 'day').dayRanges).toEqual([
      { from: '2026-01-15', to: '2026-07-09' },
    ]);
  });
});
