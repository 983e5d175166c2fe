/**
 * What the reports need of a ticket (docs/reports.md#incidents-and-service-requests), read from the
 * ticket item as stored (a stream image or a store read). Read loosely on purpose: fields other
 * capabilities add later (`metrics`, `serviceImpact`, `alert`) are optional here, and an item
 * written before them reads as having none. Kept on the aggregator's per-ticket marker, so the next
 * change is applied as a difference from exactly what was counted.
 */
export type TicketFamily = 'INC' | 'REQ';
export const FAMILY_OF_TYPE: Readonly<Record<string, TicketFamily>> = {
  incident: 'INC',
  service_request: 'REQ',
};

export const NONE = 'none';

export interface TicketDimensions {
  readonly group: string;
  readonly service: string;
  readonly priority: string;
  readonly assignee: string;
  readonly type: string;
}

export interface OutageFacts {
  readonly start: string;
  /** null while the outage lasts. */
  readonly end: string | null;
  readonly services: readonly string[];
}

export interface TicketFacts {
  readonly id: string;
  readonly family: TicketFamily;
  readonly dims: TicketDimensions;
  readonly createdAt: string;
  /** Not resolved, closed or cancelled. */
  readonly open: boolean;
  /** The final resolution's instant while resolved or closed; null otherwise (a reopen clears it). */
  readonly resolvedAt: string | null;
  readonly alertSourced: boolean;
  readonly acknowledgedAt: string | null;
  readonly firstResolvedAt: string | null;
  readonly reopened: boolean;
  /** First-contact resolution at the resolution; null when unknown or not resolved. */
  readonly fcr: boolean | null;
  /** Alert incidents: first fired → cleared. */
  readonly restore: { readonly from: string; readonly to: string } | null;
  /** Completion instants of SLA clocks, each clock once: met (not breached) and breached. */
  readonly slaMet: readonly string[];
  readonly slaBreached: readonly string[];
  readonly outage: OutageFacts | null;
}

const RESOLVED = new Set(['resolved', 'closed']);
const ENDED = new Set(['resolved', 'closed', 'cancelled']);

type Raw = Readonly<Record<string, unknown>>;
const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const object = (value: unknown): Raw | null =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Raw) : null;

/**
 * The facts of a ticket item; undefined for items the reports do not count (problems, or no item).
 * `previous` (the facts last counted) fills in what an item without `metrics` cannot say itself:
 * when it was first acknowledged and first resolved, and whether it was reopened.
 */
export function ticketFacts(item: Raw | undefined, previous?: TicketFacts): TicketFacts | undefined {
  if (!item) return undefined;
  const family = FAMILY_OF_TYPE[String(item.type)];
  const id = text(item.id);
  const createdAt = text(item.createdAt);
  if (!family || !id || !createdAt) return undefined;
  const status = String(item.status);
  const metrics = object(item.metrics);
  const alert = object(item.alert);
  const resolved = RESOLVED.has(status);
  const resolvedAt = resolved ? (text(item.resolvedAt) ?? text(item.updatedAt)) : null;
  const assignee = text(item.assignee);
  const serviceId = text(item.serviceId);
  const acknowledgedAt =
    text(metrics?.acknowledgedAt) ??
    previous?.acknowledgedAt ??
    (status !== 'new' || assignee !== null ? (text(item.updatedAt) ?? createdAt) : null);
  const firstResolvedAt = text(metrics?.firstResolvedAt) ?? previous?.firstResolvedAt ?? resolvedAt;
  const reopenCount = typeof metrics?.reopenCount === 'number' ? metrics.reopenCount : undefined;
  const reopened =
    reopenCount !== undefined
      ? reopenCount > 0
      : Boolean(previous?.reopened || (previous?.resolvedAt && !resolved && firstResolvedAt));
  const fcr = resolved && typeof metrics?.fcr === 'boolean' ? metrics.fcr : null;
  const firedAt = text(alert?.firstFiredAt);
  const clearedAt = text(alert?.clearedAt);
  const slaMet: string[] = [];
  const slaBreached: string[] = [];
  const sla = object(item.sla);
  for (const name of ['firstResponse', 'resolution']) {
    const clock = object(sla?.[name]);
    const breachedAt = text(clock?.breachedAt);
    const metAt = text(clock?.metAt);
    if (breachedAt) slaBreached.push(breachedAt);
    else if (metAt) slaMet.push(metAt);
  }
  const services = new Set<string>();
  if (serviceId) services.add(serviceId);
  if (Array.isArray(item.affectedServices)) {
    for (const service of item.affectedServices) {
      const serviceRef = text(object(service)?.id) ?? text(service);
      if (serviceRef) services.add(serviceRef);
    }
  }
  const outage =
    family === 'INC' && item.serviceImpact === 'outage' && services.size > 0 && status !== 'cancelled'
      ? {
          start: firedAt ?? createdAt,
          end: clearedAt ?? (resolved ? resolvedAt : null),
          services: [...services].sort(),
        }
      : null;
  const priority = item.priority === undefined || item.priority === null ? NONE : String(item.priority);
  return {
    id,
    family,
    dims: {
      group: text(item.group) ?? NONE,
      service: serviceId ?? NONE,
      priority,
      assignee: assignee ?? NONE,
      type: String(item.type),
    },
    createdAt,
    open: !ENDED.has(status),
    resolvedAt,
    alertSourced: item.source === 'alert',
    acknowledgedAt,
    firstResolvedAt,
    reopened,
    fcr,
    restore: firedAt && clearedAt ? { from: firedAt, to: clearedAt } : null,
    slaMet,
    slaBreached,
    outage,
  };
}
