/**
 * The CSAT events the reports count (§15; published by functions/csat), read from a bus event's
 * detail. Each carries the survey's attribution snapshot taken at resolution and `surveySentAt`,
 * the day every figure of that survey counts in.
 */
export const CSAT_DETAIL_TYPES = [
  'Survey Sent',
  'Feedback Received',
  'Survey Voided',
  'Survey Expired',
] as const;

export interface Attribution {
  readonly assignee: string | null;
  readonly group: string | null;
  readonly serviceId: string | null;
  readonly priority: number | null;
  readonly type: string | null;
}

export type CsatEvent = {
  readonly eventId: string;
  readonly ticketId: string;
  readonly surveySentAt: string;
  readonly at: string;
  readonly attribution: Attribution;
} & (
  | { readonly kind: 'sent' | 'voided' | 'expired' }
  | { readonly kind: 'answered'; readonly rating: 1 | 2 | 3 | 4 | 5 }
);

const KIND: Record<string, 'sent' | 'answered' | 'voided' | 'expired'> = {
  'Survey Sent': 'sent',
  'Feedback Received': 'answered',
  'Survey Voided': 'voided',
  'Survey Expired': 'expired',
};

type Raw = Readonly<Record<string, unknown>>;
const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/** The event as the reports read it; undefined for another detail type or a detail missing what counts. */
export function csatEventOf(detailType: string, detail: Raw): CsatEvent | undefined {
  const kind = KIND[detailType];
  const eventId = text(detail.eventId);
  const ticketId = text(detail.ticketId) ?? text(detail.recordId);
  const surveySentAt = text(detail.surveySentAt);
  const raw = (detail.attribution ?? {}) as Raw;
  if (!kind || !eventId || !ticketId || !surveySentAt) return undefined;
  const attribution: Attribution = {
    assignee: text(raw.assignee),
    group: text(raw.group),
    serviceId: text(raw.serviceId),
    priority: typeof raw.priority === 'number' ? raw.priority : null,
    type: text(raw.type),
  };
  const at = text(detail.answeredAt) ?? text(detail.at) ?? surveySentAt;
  if (kind === 'answered') {
    const rating = detail.rating;
    if (rating !== 1 && rating !== 2 && rating !== 3 && rating !== 4 && rating !== 5) return undefined;
    return { kind, eventId, ticketId, surveySentAt, at, attribution, rating };
  }
  return { kind, eventId, ticketId, surveySentAt, at, attribution };
}

/**
 * What a CSAT event records, as a key: the survey (its ticket and mailing time: one survey per
 * resolution, mailed once) and what happened to it. A survey is sent once and ends once, so the
 * key is the same for a redelivered event, a republished one and the rebuild's replay.
 */
export function csatFactKey(event: CsatEvent): string {
  return `csat#${event.ticketId}#${event.surveySentAt}#${event.kind}`;
}

/**
 * The events a mailed survey's record stands for (the rebuild's replay, functions/reports/jobs.ts):
 * its sending, then its answer, voiding or expiry. `eventId` is the fact key (no bus event exists).
 */
export function csatEventsOfSurvey(survey: Raw): CsatEvent[] {
  const ticketId = text(survey.ticketId);
  const surveySentAt = text(survey.sentAt);
  if (!ticketId || !surveySentAt) return [];
  const detail = { ticketId, surveySentAt, attribution: survey.attribution };
  const sent = csatEventOf('Survey Sent', { ...detail, eventId: 'replay', at: surveySentAt });
  const ending =
    survey.status === 'answered'
      ? csatEventOf('Feedback Received', {
          ...detail,
          eventId: 'replay',
          rating: survey.rating,
          answeredAt: survey.answeredAt,
        })
      : survey.status === 'voided' || survey.status === 'expired'
        ? csatEventOf(survey.status === 'voided' ? 'Survey Voided' : 'Survey Expired', {
            ...detail,
            eventId: 'replay',
            at: surveySentAt,
          })
        : undefined;
  return [sent, ending]
    .filter((event): event is CsatEvent => event !== undefined)
    .map((event) => ({ ...event, eventId: csatFactKey(event) }));
}
