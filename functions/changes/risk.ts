import type { Change, Conflict, Risk, RiskLevel } from './model.js';

/**
 * Risk assessment (docs/changes.md#risk-conflicts-freeze-windows), pure: each rule that fires adds points and a reason; the score maps
 * to a level, and a change without a backout plan is always `high`. Several rules run and the
 * result records why, as ServiceNow's risk engines do.
 *
 * CI criticality is not a factor yet: Opsdesk has no CMDB records to read it from (see
 * docs/changes.md); CI count and window length stand in for blast radius.
 */
export type RiskSubject = Pick<
  Change,
  'type' | 'ciIds' | 'plannedStart' | 'plannedEnd' | 'implementationPlan' | 'backoutPlan'
>;

const HOUR_MS = 3_600_000;

/** Score at or above which a change is medium, resp. high. */
const MEDIUM_FROM = 2;
const HIGH_FROM = 4;

export function assessRisk(change: RiskSubject, conflicts: readonly Conflict[]): Risk {
  const reasons: string[] = [];
  let score = 0;
  const add = (points: number, reason: string) => {
    score += points;
    reasons.push(reason);
  };

  const ciCount = change.ciIds.length;
  if (ciCount >= 5) add(2, `touches ${ciCount} configuration items (5 or more)`);
  else if (ciCount >= 2) add(1, `touches ${ciCount} configuration items`);

  const windowHours = (Date.parse(change.plannedEnd) - Date.parse(change.plannedStart)) / HOUR_MS;
  if (windowHours > 24) add(2, `window of ${formatHours(windowHours)} (over a day)`);
  else if (windowHours > 4) add(1, `window of ${formatHours(windowHours)} (over 4 h)`);

  if (!change.implementationPlan) add(2, 'no implementation plan');
  if (change.type === 'emergency') add(1, 'emergency change: prepared and reviewed under time pressure');

  const overlapping = conflicts.filter((conflict) => conflict.kind === 'change');
  if (overlapping.length > 0) {
    add(1, `overlaps ${overlapping.length} other change(s) on shared configuration items`);
  }
  for (const freeze of conflicts.filter((conflict) => conflict.kind === 'freeze')) {
    add(1, `falls in freeze window ${freeze.freezeWindowId} (${freeze.name})`);
  }

  let level: RiskLevel = score >= HIGH_FROM ? 'high' : score >= MEDIUM_FROM ? 'medium' : 'low';
  if (!change.backoutPlan) {
    level = 'high';
    reasons.unshift('no backout plan: a change without a way back is always high risk');
  }
  return { level, score, reasons };
}

function formatHours(hours: number): string {
  return `${Number.isInteger(hours) ? hours : hours.toFixed(1)} h`;
}
