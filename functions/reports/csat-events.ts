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
