import type { Criticality } from '../cmdb/model.js';
import {
  type Change,
  CONFLICT_VIAS,
  type Conflict,
  type ConflictVia,
  type Risk,
  type RiskLevel,
} from './model.js';

/**
 * Risk assessment (docs/changes.md#risk-conflicts-freeze-windows), pure: every rule is evaluated and
 * gives a reason, with or without points; the score maps to a level, and a change without a backout
 * plan is always `high`. Several rules run and the result records why, as ServiceNow's risk
 * engines do. The CMDB facts (criticality, services) are read by the assess step and passed in.
 */
export type RiskSubject = Pick<
  Change,
  'type' | 'ciIds' | 'plannedStart' | 'plannedEnd' | 'implementationPlan' | 'backoutPlan'
>;

/** What the CMDB says about the change's CIs (docs/changes.md#risk-conflicts-freeze-windows). */
export interface CmdbRiskFacts {
  /** The most critical (lowest) `criticality` among the change's CIs the CMDB knows; null: it knows none. */
  readonly highestCriticality: Criticality | null;
  /** Live business services in the combined closures of the change's CIs (a service named directly counts). */
  readonly liveBusinessServices: number;
}

/** Without a CMDB to ask: no criticality known, no services. */
export const NO_CMDB_FACTS: CmdbRiskFacts = { highestCriticality: null, liveBusinessServices: 0 };

const HOUR_MS = 3_600_000;

/** Score at or above which a change is medium, resp. high. */
const MEDIUM_FROM = 2;
const HIGH_FROM = 4;

const VIA_WORDING: Record<ConflictVia, string> = {
  same_ci: 'on shared configuration items',
  related_ci: 'on related configuration items',
  shared_service: 'sharing a live business service',
};

export function assessRisk(
  change: RiskSubject,
  conflicts: readonly Conflict[],
  cmdb: CmdbRiskFacts = NO_CMDB_FACTS,
): Risk {
  const reasons: string[] = [];
  let score = 0;
  const add = (points: number, reason: string) => {
    score += points;
    reasons.push(reason);
  };

  const ciCount = change.ciIds.length;
  if (ciCount >= 5) add(2, `touches ${ciCount} configuration items (5 or more)`);
  else if (ciCount >= 2) add(1, `touches ${ciCount} configuration items`);
  else add(0, ciCount === 1 ? 'touches 1 configuration item' : 'no CIs named');

  const windowHours = (Date.parse(change.plannedEnd) - Date.parse(change.plannedStart)) / HOUR_MS;
  if (windowHours > 24) add(2, `window of ${formatHours(windowHours)} (over a day)`);
  else if (windowHours > 4) add(1, `window of ${formatHours(windowHours)} (over 4 h)`);
  else add(0, `window of ${formatHours(windowHours)} (4 h or less)`);

  if (!change.implementationPlan) add(2, 'no implementation plan');
  else add(0, 'implementation plan present');
  if (change.type === 'emergency') add(1, 'emergency change: prepared and reviewed under time pressure');
  else add(0, `${change.type} change`);

  const critical = cmdb.highestCriticality;
  if (critical === 1) add(2, 'highest CI criticality 1 (mission critical)');
  else if (critical === 2) add(1, 'highest CI criticality 2');
  else if (critical === null) add(0, 'CI criticality unknown: no named CI is in the CMDB');
  else add(0, `highest CI criticality ${critical}`);

  const services = cmdb.liveBusinessServices;
  if (services >= 10) add(2, `affects ${services} live business services (10 or more)`);
  else if (services >= 3) add(1, `affects ${services} live business services (3 or more)`);
  else
    add(0, `affects ${services === 0 ? 'no' : services} live business service${services === 1 ? '' : 's'}`);

  const overlapping = conflicts.filter((conflict) => conflict.kind === 'change');
  if (overlapping.length > 0) add(1, overlapReason(overlapping));
  else add(0, 'overlaps no other in-flight change');
  const freezes = conflicts.filter((conflict) => conflict.kind === 'freeze');
  for (const freeze of freezes) add(1, `falls in freeze window ${freeze.freezeWindowId} (${freeze.name})`);
  if (freezes.length === 0) add(0, 'meets no freeze window');

  let level: RiskLevel = score >= HIGH_FROM ? 'high' : score >= MEDIUM_FROM ? 'medium' : 'low';
  if (!change.backoutPlan) {
    level = 'high';
    reasons.unshift('no backout plan: a change without a way back is always high risk');
  } else {
    reasons.push('backout plan present');
  }
  return { level, score, reasons };
}

/** One reason for every overlapping change (+1 once), saying how they meet. */
function overlapReason(overlapping: readonly Extract<Conflict, { kind: 'change' }>[]): string {
  const counts = new Map<ConflictVia, number>();
  for (const conflict of overlapping) counts.set(conflict.via, (counts.get(conflict.via) ?? 0) + 1);
  const head = `overlaps ${overlapping.length} other change(s)`;
  if (counts.size === 1) return `${head} ${VIA_WORDING[overlapping[0]!.via]}`;
  const parts = CONFLICT_VIAS.filter((via) => counts.has(via)).map(
    (via) => `${counts.get(via)} ${VIA_WORDING[via]}`,
  );
  return `${head}: ${parts.join(', ')}`;
}

function formatHours(hours: number): string {
  return `${Number.isInteger(hours) ? hours : hours.toFixed(1)} h`;
}
