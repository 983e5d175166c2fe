import { isReopen } from './lifecycle.js';
import { NO_METRICS, type Ticket, type TicketMetrics } from './model.js';

/**
 * Ticket metrics (docs/ticket-metrics.md#metrics): the figures MTTA, reopen rate and first-contact
 * resolution are computed from, kept on the ticket item itself so a reports consumer reading the
 * table's stream images sees them. Pure: the metrics after a write follow from the ticket before
 * it, the ticket after it and what caused it; every ticket write applies it (through `withSla` in
 * functions/tickets/service.ts, which every writing path calls), so no path can forget one.
 */

/** Who wrote a comment, as far as the metrics care. */
export type CommentAuthorKind = 'agent' | 'requester' | 'other';

/**
 * What caused a write beyond its field changes, which the tickets alone do not show: a comment
 * (by whom, how visible), or an alert acknowledge that moved nothing on the ticket.
 */
export type MetricsCause =
  | {
      readonly kind: 'comment';
      readonly by: CommentAuthorKind;
      readonly visibility: 'public' | 'internal';
    }
  | { readonly kind: 'alert_acknowledged' };

/** A comment's cause. */
export function commentCause(by: CommentAuthorKind, visibility: 'public' | 'internal'): MetricsCause {
  return { kind: 'comment', by, visibility };
}

/** Fulfilment task statuses that mean someone took the task up. */
const TAKEN_TASK = new Set(['in_progress', 'done', 'skipped', 'failed']);

/**
 * The metrics of `after`, written at `now`, given the ticket as it was (`undefined`: created by
 * this write) and what caused the write.
 */
export function nextMetrics(
  before: Ticket | undefined,
  after: Ticket,
  now: string,
  cause?: MetricsCause,
): TicketMetrics {
  const prior = before?.metrics ?? NO_METRICS;
  const publicComment = cause?.kind === 'comment' && cause.visibility === 'public';
  const agentReply = publicComment && cause.by === 'agent';
  const requesterFollowUp = publicComment && cause.by === 'requester';
  const reopened = before !== undefined && isReopen(before.status, after.status);
  const groupChanged =
    before !== undefined &&
    after.group !== before.group &&
    // Only changes after the first non-null group count: routing a new ticket is not a reassignment.
    (before.group !== null || prior.groupChanges > 0);
  const counts = {
    reopenCount: prior.reopenCount + (reopened ? 1 : 0),
    groupChanges: prior.groupChanges + (groupChanged ? 1 : 0),
    agentPublicReplies: prior.agentPublicReplies + (agentReply ? 1 : 0),
    requesterFollowUps: prior.requesterFollowUps + (requesterFollowUp ? 1 : 0),
  };
  const resolvesNow = after.status === 'resolved' && before?.status !== 'resolved';
  return {
    acknowledgedAt: prior.acknowledgedAt ?? firstAcknowledged(before, after, now, agentReply, cause),
    firstResolvedAt: prior.firstResolvedAt ?? (resolvesNow ? now : null),
    ...counts,
    fcr: resolvesNow
      ? fcrEligible(after)
        ? isFirstContactResolution(counts)
        : null
      : after.status === 'resolved' || after.status === 'closed'
        ? prior.fcr
        : null,
  };
}

/** `after` carrying the metrics this write gives it. */
export function withMetrics(
  before: Ticket | undefined,
  after: Ticket,
  now: string,
  cause?: MetricsCause,
): Ticket {
  return { ...after, metrics: nextMetrics(before, after, now, cause) };
}

/**
 * First-contact resolution (docs/ticket-metrics.md#metrics): never reopened or passed to another
 * group, no follow-up from the requester, at most one public agent reply.
 */
export function isFirstContactResolution(
  counts: Pick<TicketMetrics, 'reopenCount' | 'groupChanges' | 'requesterFollowUps' | 'agentPublicReplies'>,
): boolean {
  return (
    counts.reopenCount === 0 &&
    counts.groupChanges === 0 &&
    counts.requesterFollowUps === 0 &&
    counts.agentPublicReplies <= 1
  );
}

/** Incidents and requests count towards FCR; problems and alert tickets never do. */
export function fcrEligible(ticket: Pick<Ticket, 'type' | 'source'>): boolean {
  return ticket.type !== 'problem' && ticket.source !== 'alert';
}

/**
 * Whether this write acknowledges the ticket: it leaves `new`, gets an assignee, gets its first
 * public agent reply, its alert is acknowledged, or (catalog requests, which never sit in `new`)
 * one of its fulfilment tasks is taken up.
 */
function acknowledges(
  before: Ticket | undefined,
  after: Ticket,
  agentReply: boolean,
  cause: MetricsCause | undefined,
): boolean {
  if (before === undefined) return after.assignee !== null;
  return (
    (before.status === 'new' && after.status !== 'new') ||
    (after.assignee !== null && after.assignee !== before.assignee) ||
    agentReply ||
    cause?.kind === 'alert_acknowledged' ||
    (alertAcknowledgedAt(after) !== null && alertAcknowledgedAt(before) === null) ||
    taskTaken(before, after)
  );
}

/**
 * When a not yet acknowledged ticket was acknowledged, if it is now: this write's time when the
 * write acknowledges it, or the alert block's own acknowledge time when that is earlier (alert
 * intake stamps the block on the item as it commits, so a later write may be the first to see it).
 */
function firstAcknowledged(
  before: Ticket | undefined,
  after: Ticket,
  now: string,
  agentReply: boolean,
  cause: MetricsCause | undefined,
): string | null {
  const candidates = [
    acknowledges(before, after, agentReply, cause) ? now : null,
    alertAcknowledgedAt(after),
  ].filter((time): time is string => time !== null);
  return candidates.length === 0 ? null : candidates.sort()[0]!;
}

/** The alert block's acknowledge time, when the ticket has one (alert incidents, docs/alerts.md#rules). */
function alertAcknowledgedAt(ticket: Ticket): string | null {
  const alert = (ticket as { readonly alert?: { readonly acknowledgedAt?: unknown } | null }).alert;
  return typeof alert?.acknowledgedAt === 'string' ? alert.acknowledgedAt : null;
}

function taskTaken(before: Ticket, after: Ticket): boolean {
  return after.tasks.some((task) => {
    const was = before.tasks.find((each) => each.id === task.id);
    const taken = (each: { status: string; assignee: string | null }) =>
      TAKEN_TASK.has(each.status) || each.assignee !== null;
    return taken(task) && !(was && taken(was));
  });
}
