/**
 * What the change report needs of a change (docs/reports.md#changes), read loosely from the change
 * item: its outcome (`implementation.outcome`, at `implementation.reportedAt`; a timed-out
 * implementation counts as failed, as the workflow ends it `failed`), type, risk, impacted services
 * and the incidents linked `caused_by_change` (shown on the change as `causes_incident` links),
 * whose priority and creation time the aggregator looks up.
 */
export interface CausedIncident {
  readonly id: string;
  readonly priority: number;
  readonly createdAt: string;
}

export interface ChangeFacts {
  readonly id: string;
  readonly type: string;
  readonly risk: string | null;
  readonly services: readonly string[];
  readonly plannedEnd: string;
  readonly outcome: {
    readonly result: 'successful' | 'partially_successful' | 'failed';
    readonly at: string;
  } | null;
  readonly causedIncidents: readonly CausedIncident[];
}

type Raw = Readonly<Record<string, unknown>>;
const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/** Ids of incidents a change item names as caused by it. */
export function causedIncidentIds(item: Raw | undefined): string[] {
  if (!item || !Array.isArray(item.links)) return [];
  return item.links
    .filter((link) => (link as Raw)?.type === 'causes_incident' && text((link as Raw).targetId))
    .map((link) => String((link as Raw).targetId))
    .sort();
}

/** The facts of a change item (undefined for none), with its caused incidents as looked up. */
export function changeFacts(
  item: Raw | undefined,
  incidents: readonly CausedIncident[],
): ChangeFacts | undefined {
  if (!item) return undefined;
  const id = text(item.id);
  const plannedEnd = text(item.plannedEnd);
  if (!id || !plannedEnd) return undefined;
  const implementation = item.implementation as Raw | null | undefined;
  const outcome = text(implementation?.outcome);
  const at = text(implementation?.reportedAt);
  const result =
    outcome === 'successful' || outcome === 'partially_successful'
      ? outcome
      : outcome === 'failed' || outcome === 'timed_out'
        ? 'failed'
        : null;
  const services = Array.isArray(item.impactedServices)
    ? [
        ...new Set(
          item.impactedServices.map((s) => text((s as Raw)?.id)).filter((s): s is string => s !== null),
        ),
      ].sort()
    : [];
  return {
    id,
    type: text(item.type) ?? 'normal',
    risk: text(item.risk),
    services,
    plannedEnd,
    outcome: result && at ? { result, at } : null,
    causedIncidents: [...incidents].sort((a, b) => (a.id < b.id ? -1 : 1)),
  };
}
