import type { ChangeFacts } from './change-facts.js';
import type { CsatEvent } from './csat-events.js';
import { Ledger } from './ledger.js';
import { dayOf, monthSk } from './period.js';
import { binAttribute, binOf, type SketchedMetric } from './sketch.js';
import {
  dayItemKey,
  type Family,
  openAttribute,
  openKey,
  outageKey,
  valuesAttribute,
} from './store/report-keys.js';
import type { TicketFacts } from './ticket-facts.js';

/**
 * What a record adds to the aggregates (docs/reports.md#incidents-and-service-requests), pure: a
 * function of the record's facts alone, so the aggregator applies `ledger(after) − ledger(before)`
 * and a redelivered, reordered or replayed change never counts twice.
 */
export const TICKET_DIMENSIONS = ['group', 'service', 'priority', 'assignee', 'type'] as const;
export const CSAT_DIMENSIONS = TICKET_DIMENSIONS;
export const CHANGE_DIMENSIONS = ['type', 'risk', 'service'] as const;
export const ALL = 'all';

type Cells = readonly (readonly [dimension: string, value: string])[];

/** Adds to the day item and to its month item (`M#YYYY-MM`), which long periods read instead of days. */
function addOnDays(ledger: Ledger, family: Family, cells: Cells, day: string, attribute: string, by: number) {
  for (const [dimension, value] of cells) {
    ledger.add(dayItemKey(family, dimension, value, day), attribute, by);
    ledger.add(dayItemKey(family, dimension, value, monthSk(day)), attribute, by);
  }
}

/** Lists each dimension value on the `all` day and month items, so a groupBy over a period finds it. */
function listValues(ledger: Ledger, family: Family, cells: Cells, day: string) {
  for (const [dimension, value] of cells) {
    if (dimension === ALL) continue;
    for (const sk of [day, monthSk(day)])
      ledger.addToSet(dayItemKey(family, ALL, ALL, sk), valuesAttribute(dimension), value);
  }
}

const minutesBetween = (from: string, to: string) => Math.max(0, Date.parse(to) - Date.parse(from)) / 60_000;

function addDuration(
  ledger: Ledger,
  family: Family,
  cells: Cells,
  day: string,
  metric: SketchedMetric,
  from: string,
  to: string,
) {
  const ms = Math.max(0, Date.parse(to) - Date.parse(from));
  addOnDays(ledger, family, cells, day, `${metric}SumMs`, ms);
  addOnDays(ledger, family, cells, day, `${metric}Count`, 1);
  addOnDays(ledger, family, cells, day, binAttribute(metric, binOf(minutesBetween(from, to))), 1);
}

export function ticketCells(facts: TicketFacts): Cells {
  return [[ALL, ALL], ...TICKET_DIMENSIONS.map((dimension) => [dimension, facts.dims[dimension]] as const)];
}

export function ticketLedger(facts: TicketFacts | undefined, timezone: string): Ledger {
  const ledger = new Ledger();
  if (!facts) return ledger;
  const family = facts.family;
  const cells = ticketCells(facts);
  const day = (instant: string) => dayOf(instant, timezone);
  const days = new Set<string>();
  const on = (instant: string, attribute: string, by = 1) => {
    days.add(day(instant));
    addOnDays(ledger, family, cells, day(instant), attribute, by);
  };
  on(facts.createdAt, 'created');
  if (facts.resolvedAt) {
    on(facts.resolvedAt, 'resolved');
    addDuration(ledger, family, cells, day(facts.resolvedAt), 'mttr', facts.createdAt, facts.resolvedAt);
    if (!facts.alertSourced) {
      on(facts.resolvedAt, 'fcrEligible');
      if (facts.fcr) on(facts.resolvedAt, 'fcr');
    }
  }
  if (facts.acknowledgedAt) {
    days.add(day(facts.acknowledgedAt));
    addDuration(
      ledger,
      family,
      cells,
      day(facts.acknowledgedAt),
      'mtta',
      facts.createdAt,
      facts.acknowledgedAt,
    );
  }
  if (facts.restore) {
    days.add(day(facts.restore.to));
    addDuration(
      ledger,
      family,
      cells,
      day(facts.restore.to),
      'restore',
      facts.restore.from,
      facts.restore.to,
    );
  }
  for (const at of facts.slaMet) on(at, 'slaMet');
  for (const at of facts.slaBreached) on(at, 'slaBreached');
  if (facts.firstResolvedAt) {
    on(facts.firstResolvedAt, 'firstResolved');
    if (facts.reopened) on(facts.firstResolvedAt, 'reopened');
  }
  for (const touched of days) listValues(ledger, family, cells, touched);
  if (facts.open) {
    for (const [dimension, value] of cells) {
      ledger.add(openKey(family, dimension, value), openAttribute(day(facts.createdAt)), 1);
    }
  }
  if (facts.outage) {
    for (const serviceId of facts.outage.services) {
      ledger.put({
        ...outageKey(serviceId, facts.outage.start, facts.id),
        incidentId: facts.id,
        start: facts.outage.start,
        end: facts.outage.end,
      });
    }
  }
  return ledger;
}

/** A CSAT event's own contribution, counted in the day the survey was sent (a late answer updates that day). */
export function csatLedger(event: CsatEvent, timezone: string): Ledger {
  const ledger = new Ledger();
  const cells: Cells = [
    [ALL, ALL],
    ['group', event.attribution.group ?? 'none'],
    ['service', event.attribution.serviceId ?? 'none'],
    ['priority', event.attribution.priority === null ? 'none' : String(event.attribution.priority)],
    ['assignee', event.attribution.assignee ?? 'none'],
    ['type', event.attribution.type ?? 'none'],
  ];
  const day = dayOf(event.surveySentAt, timezone);
  switch (event.kind) {
    case 'sent':
      addOnDays(ledger, 'CSAT', cells, day, 'sent', 1);
      listValues(ledger, 'CSAT', cells, day);
      break;
    case 'voided':
      // A voided survey can no longer be answered: it leaves the response rate's denominator.
      addOnDays(ledger, 'CSAT', cells, day, 'sent', -1);
      break;
    case 'expired':
      addOnDays(ledger, 'CSAT', cells, day, 'expired', 1);
      break;
    case 'answered':
      addOnDays(ledger, 'CSAT', cells, day, 'responses', 1);
      addOnDays(ledger, 'CSAT', cells, day, 'ratingSum', event.rating);
      addOnDays(ledger, 'CSAT', cells, day, `r${event.rating}`, 1);
      listValues(ledger, 'CSAT', cells, day);
      break;
  }
  return ledger;
}

/** A change's contribution, in the day of its implementation outcome. */
export function changeLedger(facts: ChangeFacts | undefined, timezone: string): Ledger {
  const ledger = new Ledger();
  if (!facts?.outcome) return ledger;
  const cells: Cells = [
    [ALL, ALL],
    ['type', facts.type],
    ['risk', facts.risk ?? 'none'],
    ...(facts.services.length > 0 ? facts.services : ['none']).map(
      (service) => ['service', service] as const,
    ),
  ];
  const day = dayOf(facts.outcome.at, timezone);
  const add = (attribute: string, by = 1) => addOnDays(ledger, 'CHG', cells, day, attribute, by);
  add('implemented');
  add(facts.outcome.result === 'partially_successful' ? 'partiallySuccessful' : facts.outcome.result);
  if (facts.type === 'emergency') add('emergency');
  const plannedEnd = Date.parse(facts.plannedEnd);
  const caused = facts.causedIncidents.filter((incident) => {
    const created = Date.parse(incident.createdAt);
    return created >= plannedEnd && created < plannedEnd + 7 * 24 * 60 * 60_000;
  });
  for (const incident of caused) add(`causedP${incident.priority}`);
  if (facts.outcome.result === 'failed' || caused.length > 0) add('failedOrCaused');
  listValues(ledger, 'CHG', cells, day);
  return ledger;
}
