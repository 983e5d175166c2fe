import { CHANGE_MANAGER_GROUP, type Change } from '../changes/model.js';
import type { Ticket } from '../tickets/model.js';
import type { OutboundMail } from './mail/mail-sender.js';
import { type EmailSettings, supportAddress } from './settings.js';

/**
 * Mail to staff, composed from the domain events that ask for it: SLA notices (`SLA Notice Due`,
 * written by the SLA sweeper with its recording) and change approval requests, escalations and
 * expiries (written by the change workflow's steps). The notifier sends them with the same
 * one-mail-per-event ledger as ticket mail; the Message-ID derives from the event id, so a
 * redelivered event after a crash mid-send produces the very same mail.
 */
export type StaffNoticeKind =
  | 'sla-notice'
  | 'approval-requested'
  | 'approval-escalated'
  | 'approval-expired'
  | 'low-rating'
  | RequestApprovalNoticeKind;

/** Catalog request approvals (docs/catalog.md#approvals): requested, and overdue (escalated). */
export type RequestApprovalNoticeKind = 'request-approval-requested' | 'request-approval-escalated';

const KIND_OF_DETAIL_TYPE: Readonly<Record<string, StaffNoticeKind>> = {
  'SLA Notice Due': 'sla-notice',
  'Change Approval Requested': 'approval-requested',
  'Change Approval Escalated': 'approval-escalated',
  'Change Approval Expired': 'approval-expired',
  'Request Approval Requested': 'request-approval-requested',
  'Request Approval Escalated': 'request-approval-escalated',
  // A satisfaction rating of 2 or less (docs/csat.md#low-ratings): to the ticket's group.
  'Feedback Received': 'low-rating',
};

export function isRequestApprovalNotice(kind: StaffNoticeKind): kind is RequestApprovalNoticeKind {
  return kind === 'request-approval-requested' || kind === 'request-approval-escalated';
}

/** The groups a request approval notice goes to: the one escalated, or every group asked. */
export function requestApprovalGroups(detail: Readonly<Record<string, unknown>>): string[] {
  if (typeof detail.group === 'string') return [detail.group];
  return Array.isArray(detail.groups) ? detail.groups.filter((g): g is string => typeof g === 'string') : [];
}

export function requestApprovalMail(input: {
  readonly kind: RequestApprovalNoticeKind;
  readonly eventId: string;
  readonly ticket: Pick<Ticket, 'id' | 'title' | 'createdAt' | 'requester'>;
  readonly groups: readonly string[];
  readonly to: readonly string[];
  readonly settings: EmailSettings;
}): OutboundMail {
  const { ticket, settings } = input;
  const who = ticket.requester.name ?? ticket.requester.id;
  const [subject, lines] =
    input.kind === 'request-approval-requested'
      ? [
          `Approval requested: ${ticket.id} ${ticket.title}`,
          [
            `Service request ${ticket.id} from ${who} waits for the ${input.groups.join(', ')} approval.`,
            `Decide with POST /tickets/${ticket.id}/approvals.`,
          ],
        ]
      : [
          `Approval overdue: ${ticket.id} ${ticket.title}`,
          [
            `The ${input.groups.join(', ')} approval of service request ${ticket.id} has waited since ${ticket.createdAt}.`,
            'Unless decided, it expires and the request is cancelled.',
            `Decide with POST /tickets/${ticket.id}/approvals.`,
          ],
        ];
  return {
    to: input.to,
    subject: `[${ticket.id}] ${subject}`,
    text: `${lines.join('\n')}\n`,
    messageId: `<${ticket.id}.${input.eventId}@${settings.domain}>`,
    automatic: true,
    headers: { 'X-Opsdesk-Ticket': ticket.id, 'X-Loop': supportAddress(settings) },
  };
}

export function staffNoticeFor(detailType: string): StaffNoticeKind | undefined {
  return KIND_OF_DETAIL_TYPE[detailType];
}

export interface SlaNotice {
  readonly notice: 'warning' | 'breach';
  readonly clock: 'firstResponse' | 'resolution';
  readonly dueAt: string | null;
}

/** The notice an `SLA Notice Due` event carries; undefined when its detail is not one. */
export function slaNoticeOf(detail: Readonly<Record<string, unknown>>): SlaNotice | undefined {
  const { notice, clock, dueAt } = detail;
  if (notice !== 'warning' && notice !== 'breach') return undefined;
  if (clock !== 'firstResponse' && clock !== 'resolution') return undefined;
  return { notice, clock, dueAt: typeof dueAt === 'string' ? dueAt : null };
}

/** SLA notices go to the group's address and an assignee known by address, else to the fallback address. */
export { slaNoticeRecipients } from '../sla/notices.js';

export function slaNoticeMail(input: {
  readonly eventId: string;
  readonly ticket: Pick<Ticket, 'id' | 'title' | 'priority' | 'status'>;
  readonly notice: SlaNotice;
  readonly to: readonly string[];
  readonly settings: EmailSettings;
}): OutboundMail {
  const { ticket, notice, settings } = input;
  const clockName = notice.clock === 'firstResponse' ? 'first response' : 'resolution';
  const what = notice.notice === 'breach' ? 'breached' : 'is about to breach';
  return {
    to: input.to,
    subject: `[${ticket.id}] SLA ${clockName} ${what}: ${ticket.title}`,
    text: `${ticket.id} (P${ticket.priority}, ${ticket.status}): the ${clockName} target ${what}.\nDue: ${notice.dueAt}\n`,
    messageId: `<sla-${input.eventId}@${settings.domain}>`,
    automatic: true,
    headers: { 'X-Opsdesk-Ticket': ticket.id, 'X-Loop': supportAddress(settings) },
  };
}

export type ApprovalNoticeKind = Exclude<
  StaffNoticeKind,
  'sla-notice' | 'low-rating' | RequestApprovalNoticeKind
>;

/** The low rating a `Feedback Received` event carries; undefined unless it is low (rating ≤ 2). */
export function lowRatingOf(
  detail: Readonly<Record<string, unknown>>,
): { rating: number; comment: string | null } | undefined {
  if (detail.low !== true || typeof detail.rating !== 'number') return undefined;
  return { rating: detail.rating, comment: typeof detail.comment === 'string' ? detail.comment : null };
}

/** "A requester rated this ticket low": to the group, so someone follows up while it is fresh. */
export function lowRatingMail(input: {
  readonly eventId: string;
  readonly ticket: Pick<Ticket, 'id' | 'title' | 'requester' | 'group' | 'assignee'>;
  readonly rating: { rating: number; comment: string | null };
  readonly to: readonly string[];
  readonly settings: EmailSettings;
}): OutboundMail {
  const { ticket, rating, settings } = input;
  const who = ticket.requester.name ?? ticket.requester.id;
  return {
    to: input.to,
    subject: `[${ticket.id}] Low satisfaction rating (${rating.rating}/5): ${ticket.title}`,
    text: [
      `${who} rated ${ticket.id} ${rating.rating} out of 5.`,
      ...(rating.comment ? ['', 'Their comment:', rating.comment] : ['', 'No comment was given.']),
      '',
      `Group: ${ticket.group ?? 'none'}; assignee: ${ticket.assignee ?? 'none'}.`,
      `Read the ticket with GET /tickets/${ticket.id}.`,
      '',
    ].join('\n'),
    messageId: `<csat-low-${input.eventId}@${settings.domain}>`,
    automatic: true,
    headers: { 'X-Opsdesk-Ticket': ticket.id, 'X-Loop': supportAddress(settings) },
  };
}

/** Groups whose addresses an approval notice goes to: the approval's, and the change managers' once overdue. */
export function approvalNoticeGroups(kind: ApprovalNoticeKind, group: string): string[] {
  return kind === 'approval-requested' ? [group] : [...new Set([group, CHANGE_MANAGER_GROUP])];
}

/**
 * The addresses of an approval notice: the groups' (those with one), else the stack's fallback
 * address; and the requester's on expiry.
 */
export function approvalNoticeRecipients(
  kind: ApprovalNoticeKind,
  change: Pick<Change, 'requester'>,
  groupEmails: readonly (string | null | undefined)[],
  fallbackAddress: string | null = null,
): string[] {
  const extra = kind === 'approval-expired' ? change.requester.email : undefined;
  const groups = groupEmails.filter((address): address is string => Boolean(address));
  const staff = groups.length > 0 ? groups : fallbackAddress ? [fallbackAddress] : [];
  return [...new Set([...staff, ...(extra ? [extra] : [])])];
}

export function approvalNoticeMail(input: {
  readonly kind: ApprovalNoticeKind;
  readonly eventId: string;
  readonly change: Pick<Change, 'id' | 'title' | 'type' | 'risk' | 'plannedStart' | 'plannedEnd'>;
  readonly group: string;
  /** When the approval was requested (escalation and expiry events carry it). */
  readonly requestedAt: string | undefined;
  readonly to: readonly string[];
  readonly settings: EmailSettings;
}): OutboundMail {
  const { change, group, settings } = input;
  const [subject, lines] = approvalText(input.kind, change, group, input.requestedAt);
  return {
    to: input.to,
    subject: `[${change.id}] ${subject}`,
    text: `${lines.join('\n')}\n`,
    messageId: `<${change.id}.${input.eventId}@${settings.domain}>`,
    automatic: true,
    headers: { 'X-Opsdesk-Change': change.id, 'X-Loop': supportAddress(settings) },
  };
}

function approvalText(
  kind: ApprovalNoticeKind,
  change: Pick<Change, 'id' | 'title' | 'type' | 'risk' | 'plannedStart' | 'plannedEnd'>,
  group: string,
  requestedAt: string | undefined,
): [string, string[]] {
  switch (kind) {
    case 'approval-requested':
      return [
        `Approval requested: ${change.id} ${change.title}`,
        [
          `Change ${change.id} (${change.type}, risk ${change.risk?.level ?? 'unknown'}) waits for the ${group} approval.`,
          `Window: ${change.plannedStart} – ${change.plannedEnd}.`,
          `Decide with POST /changes/${change.id}/approvals.`,
        ],
      ];
    case 'approval-escalated':
      return [
        `Approval overdue: ${change.id} ${change.title}`,
        [
          `The ${group} approval of change ${change.id} has waited since ${requestedAt}.`,
          'Unless decided, it expires and rejects the change.',
        ],
      ];
    case 'approval-expired':
      return [
        `Approval expired: ${change.id} ${change.title}`,
        [`The ${group} approval of change ${change.id} expired without a decision; the change is rejected.`],
      ];
  }
}
