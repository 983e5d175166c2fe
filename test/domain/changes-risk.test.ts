import { describe, expect, it } from 'vitest';
import type { Conflict } from '../../functions/changes/model.js';
import { assessRisk, type RiskSubject } from '../../functions/changes/risk.js';
import { inHours } from './changes-fixtures.js';

const base: RiskSubject = {
  type: 'normal',
  ciIds: ['a'],
  plannedStart: inHours(0),
  plannedEnd: inHours(2),
  implementationPlan: 'plan',
  backoutPlan: 'backout',
};
const overlap: Conflict = {
  kind: 'change',
  changeId: 'CHG-000002',
  ciIds: ['a'],
  plannedStart: inHours(1),
  plannedEnd: inHours(3),
};
const freeze: Conflict = {
  kind: 'freeze',
  freezeWindowId: 'year-end',
  name: 'Year end',
  start: inHours(0),
  end: inHours(24),
  blocking: false,
};

describe('risk assessment', () => {
  it.each([
    ['a plain change on one CI in a short window', {}, [], 'low', 0, []],
    ['two CIs', { ciIds: ['a', 'b'] }, [], 'low', 1, ['touches 2 configuration items']],
    [
      'five CIs',
      { ciIds: ['a', 'b', 'c', 'd', 'e'] },
      [],
      'medium',
      2,
      ['touches 5 configuration items (5 or more)'],
    ],
    ['a window over 4 h', { plannedEnd: inHours(5) }, [], 'low', 1, ['window of 5 h (over 4 h)']],
    ['a window over a day', { plannedEnd: inHours(30) }, [], 'medium', 2, ['window of 30 h (over a day)']],
    ['no implementation plan', { implementationPlan: null }, [], 'medium', 2, ['no implementation plan']],
    [
      'an emergency',
      { type: 'emergency' as const },
      [],
      'low',
      1,
      ['emergency change: prepared and reviewed under time pressure'],
    ],
    [
      'an overlapping change',
      {},
      [overlap],
      'low',
      1,
      ['overlaps 1 other change(s) on shared configuration items'],
    ],
    ['a freeze it passes through', {}, [freeze], 'low', 1, ['falls in freeze window year-end (Year end)']],
    [
      'several factors adding up to high',
      { ciIds: ['a', 'b', 'c', 'd', 'e'], plannedEnd: inHours(30) },
      [],
      'high',
      4,
      ['touches 5 configuration items (5 or more)', 'window of 30 h (over a day)'],
    ],
  ] as const)('%s', (_, overrides, conflicts, level, score, reasons) => {
    expect(assessRisk({ ...base, ...overrides }, conflicts)).toEqual({ level, score, reasons });
  });

  it('is always high without a backout plan, saying so first', () => {
    const risk = assessRisk({ ...base, backoutPlan: null }, []);
    expect(risk.level).toBe('high');
    expect(risk.score).toBe(0);
    expect(risk.reasons).toEqual(['no backout plan: a change without a way back is always high risk']);
  });

  it('shows a fractional window with one decimal', () => {
    expect(assessRisk({ ...base, plannedEnd: inHours(4.5) }, []).reasons).toEqual([
      'window of 4.5 h (over 4 h)',
    ]);
  });
});
