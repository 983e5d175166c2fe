import { type Ci, type CiStatus, type Criticality, isServiceClass } from './model.js';

/**
 * Disaster-recovery posture (docs/reports.md#disaster-recovery-posture): which production CIs that
 * matter have no backup. Pure rules; the maintainer (dr-posture-maintainer.ts) applies them to the
 * CMDB as it changes, the report (dr-posture-service.ts) reads what it kept.
 */

/** The relationship that covers a CI: `source backed_up_by target`, with the target not retired. */
export const BACKUP_RELATIONSHIP = 'backed_up_by';

const IN_SCOPE_STATUSES: readonly CiStatus[] = ['active', 'maintenance'];
const IN_SCOPE_CRITICALITIES: readonly Criticality[] = [1, 2];

/** In scope: production, criticality 1 or 2, active or in maintenance, not a service. */
export function inDrScope(ci: Ci): boolean {
  return (
    ci.environment === 'production' &&
    IN_SCOPE_CRITICALITIES.includes(ci.criticality) &&
    IN_SCOPE_STATUSES.includes(ci.status) &&
    !isServiceClass(ci.class)
  );
}

/** An uncovered CI as the report lists it. */
export interface DrPostureItem {
  readonly id: string;
  readonly name: string;
  readonly class: string;
  readonly criticality: Criticality;
  readonly status: CiStatus;
  readonly owner: string | null;
  readonly supportGroup: string | null;
}

/** One CI's standing: whether it counts in scope, and its report row when it is uncovered. */
export interface DrState {
  readonly inScope: boolean;
  /** Present exactly when the CI is in scope and uncovered. */
  readonly uncovered: DrPostureItem | null;
}

/** A CI that does not exist (or no longer reads) counts nowhere. */
export const OUT_OF_SCOPE: DrState = { inScope: false, uncovered: null };

/**
 * The state of `ci` given the CIs it is `backed_up_by` (as read; a missing one does not cover):
 * uncovered when in scope and none of them is a non-retired CI.
 */
export function drStateOf(ci: Ci | undefined, backups: readonly (Ci | undefined)[]): DrState {
  if (!ci || !inDrScope(ci)) return OUT_OF_SCOPE;
  const covered = backups.some((backup) => backup !== undefined && backup.status !== 'retired');
  return {
    inScope: true,
    uncovered: covered
      ? null
      : {
          id: ci.id,
          name: ci.name,
          class: ci.class,
          criticality: ci.criticality,
          status: ci.status,
          owner: ci.owner,
          supportGroup: ci.supportGroup,
        },
  };
}

/** Where an uncovered row sorts: criticality, then id (the report's order). */
export function drSortKey(item: Pick<DrPostureItem, 'criticality' | 'id'>): string {
  return `${item.criticality}#${item.id}`;
}

/** What a state change adds to the counts (each −1, 0 or +1). */
export function drCountDelta(before: DrState, after: DrState): { inScope: number; uncovered: number } {
  return {
    inScope: Number(after.inScope) - Number(before.inScope),
    uncovered: Number(after.uncovered !== null) - Number(before.uncovered !== null),
  };
}

/** Field by field (a stored row may come back with its attributes in another order). */
export function sameDrState(a: DrState, b: DrState): boolean {
  if (a.inScope !== b.inScope) return false;
  if (a.uncovered === null || b.uncovered === null) return a.uncovered === b.uncovered;
  const [x, y] = [a.uncovered, b.uncovered];
  return ROW_FIELDS.every((field) => (x[field] ?? null) === (y[field] ?? null));
}

const ROW_FIELDS = ['id', 'name', 'class', 'criticality', 'status', 'owner', 'supportGroup'] as const;

/** The CMDB events after which some CI's posture may have changed. */
export const DR_POSTURE_DETAIL_TYPES = [
  'CI Created',
  'CI Updated',
  'CI Status Changed',
  'CI Relationship Added',
  'CI Relationship Removed',
] as const;

/** The part of a bus event the maintainer reads. */
export interface DrPostureEvent {
  readonly detailType: string;
  readonly detail: Record<string, unknown>;
}

/**
 * The CIs an event may have changed the posture of: the CI it is about; for a backup relationship
 * its source; and for a status change the CIs the changed CI backs up (`backsUpOf`), since a
 * retired backup target covers no one.
 */
export function touchedBy(events: readonly DrPostureEvent[]): { ciIds: string[]; backsUpOf: string[] } {
  const ciIds = new Set<string>();
  const backsUpOf = new Set<string>();
  for (const { detailType, detail } of events) {
    if (!(DR_POSTURE_DETAIL_TYPES as readonly string[]).includes(detailType)) continue;
    if (detailType === 'CI Relationship Added' || detailType === 'CI Relationship Removed') {
      if (detail.type === BACKUP_RELATIONSHIP && typeof detail.source === 'string') ciIds.add(detail.source);
      continue;
    }
    if (typeof detail.ciId !== 'string') continue;
    ciIds.add(detail.ciId);
    const statusMoved =
      detailType === 'CI Status Changed' ||
      (detailType === 'CI Updated' &&
        Array.isArray(detail.changes) &&
        detail.changes.some((change) => (change as { field?: unknown }).field === 'status'));
    if (statusMoved) backsUpOf.add(detail.ciId);
  }
  return { ciIds: [...ciIds].sort(), backsUpOf: [...backsUpOf].sort() };
}

/** The newest `detail.at` of the events (the outbox stamps each), or undefined. */
export function newestEventTime(events: readonly DrPostureEvent[]): string | undefined {
  let newest: string | undefined;
  for (const { detail } of events) {
    if (typeof detail.at === 'string' && (newest === undefined || detail.at > newest)) newest = detail.at;
  }
  return newest;
}
