import { describe, expect, it } from 'vitest';
import type { Conflict } from '../../functions/changes/model.js';
import {
  assessRisk,
  type CmdbRiskFacts,
  NO_CMDB_FACTS,
  type RiskSubject,
} from '../../functions/changes/risk.js';
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
  via: 'same_ci',
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
const cmdb = (facts: Partial<CmdbRiskFacts>): CmdbRiskFacts => ({ ...NO_CMDB_FACTS, ...facts });

/** One reason per rule: CIs, window, implementation plan, type, criticality, services, overlaps, freezes, backout plan. */
const RULES = 9;

describe('risk assessment', () => {
  it('lists the reasons of a low risk too: every rule evaluated, none adding points', () => {
    expect(assessRisk(base, [])).toEqual({
      level: 'low',
      score: 0,
      reasons: [
        'touches 1 configuration item',
        'window of 2 h (4 h or less)',
        'implementation plan present',
        'normal change',
        'CI criticality unknown: no named CI is in the CMDB',
        'affects no live business services',
        'overlaps no other in-flight change',
        'meets no freeze window',
        'backout plan present',
      ],
    });
  });

  it.each([
    ['two CIs', { ciIds: ['a', 'b'] }, [], {}, 'low', 1, 'touches 2 configuration items'],
    [
      'five CIs',
      { ciIds: ['a', 'b', 'c', 'd', 'e'] },
      [],
      {},
      'medium',
      2,
      'touches 5 configuration items (5 or more)',
    ],
    ['a window over 4 h', { plannedEnd: inHours(5) }, [], {}, 'low', 1, 'window of 5 h (over 4 h)'],
    ['a window over a day', { plannedEnd: inHours(30) }, [], {}, 'medium', 2, 'window of 30 h (over a day)'],
    ['no implementation plan', { implementationPlan: null }, [], {}, 'medium', 2, 'no implementation plan'],
    [
      'an emergency',
      { type: 'emergency' as const },
      [],
      {},
      'low',
      1,
      'emergency change: prepared and reviewed under time pressure',
    ],
    ['a standard change', { type: 'standard' as const }, [], {}, 'low', 0, 'standard change'],
    [
      'an overlapping change',
      {},
      [overlap],
      {},
      'low',
      1,
      'overlaps 1 other change(s) on shared configuration items',
    ],
    [
      'a mission-critical CI (criticality 1)',
      {},
      [],
      { highestCriticality: 1 as const },
      'medium',
      2,
      'highest CI criticality 1 (mission critical)',
    ],
    ['a criticality 2 CI', {}, [], { highestCriticality: 2 as const }, 'low', 1, 'highest CI criticality 2'],
    ['a criticality 3 CI', {}, [], { highestCriticality: 3 as const }, 'low', 0, 'highest CI criticality 3'],
    ['a criticality 4 CI', {}, [], { highestCriticality: 4 as const }, 'low', 0, 'highest CI criticality 4'],
    [
      'one live business service',
      {},
      [],
      { liveBusinessServices: 1 },
      'low',
      0,
      'affects 1 live business service',
    ],
    [
      'two live business services',
      {},
      [],
      { liveBusinessServices: 2 },
      'low',
      0,
      'affects 2 live business services',
    ],
    [
      'three live business services',
      {},
      [],
      { liveBusinessServices: 3 },
      'low',
      1,
      'affects 3 live business services (3 or more)',
    ],
    [
      'nine live business services',
      {},
      [],
      { liveBusinessServices: 9 },
      'low',
      1,
      'affects 9 live business services (3 or more)',
    ],
    [
      'ten live business services',
      {},
      [],
      { liveBusinessServices: 10 },
      'medium',
      2,
      'affects 10 live business services (10 or more)',
    ],
  ] as const)('%s', (_, overrides, conflicts, facts, level, score, reason) => {
    const risk = assessRisk({ ...base, ...overrides }, conflicts, cmdb(facts));
    expect(risk).toMatchObject({ level, score });
    expect(risk.reasons).toContain(reason);
    expect(risk.reasons).toHaveLength(RULES);
  });

  it('adds one point per freeze passed through, naming each', () => {
    const other = { ...freeze, freezeWindowId: 'release', name: 'Release' };
    const risk = assessRisk(base, [freeze, other]);
    expect(risk).toMatchObject({ level: 'medium', score: 2 });
    expect(risk.reasons).toContain('falls in freeze window year-end (Year end)');
    expect(risk.reasons).toContain('falls in freeze window release (Release)');
    expect(risk.reasons).not.toContain('meets no freeze window');
  });

  it('adds up the CMDB rules with the others', () => {
    const risk = assessRisk(
      { ...base, ciIds: ['a', 'b'] },
      [overlap],
      cmdb({ highestCriticality: 1, liveBusinessServices: 10 }),
    );
    expect(risk).toMatchObject({ level: 'high', score: 6 });
  });

  it('counts every overlapping change once, saying how they meet', () => {
    const related: Conflict = {
      ...overlap,
      changeId: 'CHG-000003',
      via: 'related_ci',
      ciIds: [],
      path: ['a', 'b'],
    };
    const service: Conflict = {
      ...overlap,
      changeId: 'CHG-000004',
      via: 'shared_service',
      ciIds: [],
      serviceId: 's',
    };
    const risk = assessRisk(base, [service, related, overlap]);
    expect(risk.score).toBe(1);
    expect(risk.reasons).toContain(
      'overlaps 3 other change(s): 1 on shared configuration items, 1 on related configuration items, 1 sharing a live business service',
    );
    expect(assessRisk(base, [related]).reasons).toContain(
      'overlaps 1 other change(s) on related configuration items',
    );
  });

  it('adds up to high', () => {
    const risk = assessRisk({ ...base, ciIds: ['a', 'b', 'c', 'd', 'e'], plannedEnd: inHours(30) }, []);
    expect(risk).toMatchObject({ level: 'high', score: 4 });
    expect(risk.reasons.slice(0, 2)).toEqual([
      'touches 5 configuration items (5 or more)',
      'window of 30 h (over a day)',
    ]);
  });

  it('is always high without a backout plan, saying so first', () => {
    const risk = assessRisk({ ...base, backoutPlan: null }, []);
    expect(risk.level).toBe('high');
    expect(risk.score).toBe(0);
    expect(risk.reasons[0]).toBe('no backout plan: a change without a way back is always high risk');
    expect(risk.reasons).not.toContain('backout plan present');
    expect(risk.reasons).toHaveLength(RULES);
  });

  it('shows a fractional window with one decimal', () => {
    expect(assessRisk({ ...base, plannedEnd: inHours(4.5) }, []).reasons).toContain(
      'window of 4.5 h (over 4 h)',
    );
  });
});
