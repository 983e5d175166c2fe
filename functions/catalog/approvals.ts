import type { Caller } from '../shared/authz.js';
import { ConflictError, ValidationError } from '../shared/errors.js';
import type { ApprovalTerms, HistoryEntry, RequestApproval, Ticket } from '../tickets/model.js';
import { cancelUnfinishedTasks } from '../tickets/rules.js';
import { openReadyTasks } from './fulfilment.js';
import type { ApprovalRule } from './model.js';

type Events = HistoryEntry['events'][number][];

const HOUR_MS = 3_600_000;

/** Approval is needed when the policy is not `none` and `requiredWhen` is absent or matched by the form. */
export function approvalNeeded(rule: ApprovalRule, requiredWhenMatched: boolean): boolean {
  return (
    rule.policy !== 'none' && rule.groups.length > 0 && (rule.requiredWhen === null || requiredWhenMatched)
  );
}

/** The approvals and terms a request needing approval starts with. */
export function initialApprovals(
  rule: ApprovalRule,
  now: string,
): { approvals: RequestApproval[]; terms: ApprovalTerms } {
  const at = Date.parse(now);
  return {
    approvals: [...new Set(rule.groups)].map((group) => ({
      group,
      decision: null,
      approver: null,
      comment: null,
      decidedAt: null,
    })),
    terms: {
      policy: rule.policy === 'any' ? 'any' : 'all',
      escalateAt: new Date(at + rule.escalateAfterHours * HOUR_MS).toISOString(),
      expireAt: new Date(at + rule.expireAfterHours * HOUR_MS).toISOString(),
      escalatedAt: null,
    },
  };
}

export function awaitingApproval(ticket: Ticket): boolean {
  return ticket.status === 'on_hold' && ticket.holdReason === 'awaiting_approval';
}

export function pendingGroups(ticket: Ticket): string[] {
  return ticket.approvals.filter((approval) => approval.decision === null).map((approval) => approval.group);
}

export interface DecisionInput {
  readonly decision: 'approve' | 'reject';
  readonly comment?: string;
  readonly group?: string;
}

/**
 * Which approval a caller decides (docs/catalog.md#approvals): the named group's, or the one
 * pending group they belong to; several → 400 at `group`; none pending for them → 409
 * (`approval_already_decided` when their group already answered, else `approval_not_pending`).
 */
export function chooseApproval(ticket: Ticket, memberOf: ReadonlySet<string>, input: DecisionInput): string {
  if (!awaitingApproval(ticket)) {
    throw new ConflictError(`${ticket.id} is not awaiting approval`, {
      code: 'approval_not_pending',
      ticketStatus: ticket.status,
    });
  }
  const mine = ticket.approvals.filter((approval) => memberOf.has(approval.group));
  const pending = mine.filter((approval) => approval.decision === null).map((approval) => approval.group);
  if (input.group !== undefined) {
    const named = mine.find((approval) => approval.group === input.group);
    if (named && named.decision !== null) {
      throw new ConflictError(`the ${named.group} approval of ${ticket.id} was already decided`, {
        code: 'approval_already_decided',
        group: named.group,
      });
    }
    if (!named) {
      throw new ConflictError(
        `no approval of ${ticket.id} is pending for ${input.group} with you as a member`,
        {
          code: 'approval_not_pending',
          group: input.group,
        },
      );
    }
    return named.group;
  }
  if (pending.length > 1) {
    throw new ValidationError([
      { path: 'group', message: `you are in several pending groups (${pending.join(', ')}): name one` },
    ]);
  }
  if (pending.length === 1) return pending[0]!;
  const decided = mine.find((approval) => approval.decision !== null);
  if (decided) {
    throw new ConflictError(`the ${decided.group} approval of ${ticket.id} was already decided`, {
      code: 'approval_already_decided',
      group: decided.group,
    });
  }
  throw new ConflictError(`no approval of ${ticket.id} is pending for a group you are in`, {
    code: 'approval_not_pending',
    pendingGroups: pendingGroups(ticket),
  });
}

/**
 * A group's decision (pure). A rejection cancels the request (`approval_rejected`, unfinished tasks
 * cancelled); the last needed approval (`all`) or the first (`any`) moves it to `in_progress` and
 * opens the tasks that have no predecessors. The ticket returned is not yet versioned.
 */
export function applyDecision(
  ticket: Ticket,
  group: string,
  caller: Caller,
  input: DecisionInput,
  now: string,
): { ticket: Ticket; events: Events; outcome: 'pending' | 'approved' | 'rejected' } {
  const approvals = ticket.approvals.map((approval) =>
    approval.group === group
      ? {
          ...approval,
          decision: input.decision,
          approver: caller.id,
          comment: input.comment ?? null,
          decidedAt: now,
        }
      : approval,
  );
  const events: Events = [
    {
      detailType: 'Request Approval Decided',
      detail: { ticketId: ticket.id, group, decision: input.decision, approver: caller.id },
    },
  ];
  if (input.decision === 'reject') {
    events.push({
      detailType: 'Ticket Status Changed',
      detail: { ticketId: ticket.id, from: ticket.status, to: 'cancelled' },
    });
    return {
      ticket: {
        ...ticket,
        approvals,
        status: 'cancelled',
        holdReason: null,
        cancelReason: 'approval_rejected',
        tasks: cancelUnfinishedTasks(ticket.tasks),
      },
      events,
      outcome: 'rejected',
    };
  }
  const approved =
    ticket.approvalTerms?.policy === 'any' || approvals.every((approval) => approval.decision === 'approve');
  if (!approved) return { ticket: { ...ticket, approvals }, events, outcome: 'pending' };
  const opened = openReadyTasks(ticket.id, ticket.tasks);
  events.push(
    {
      detailType: 'Ticket Status Changed',
      detail: { ticketId: ticket.id, from: ticket.status, to: 'in_progress' },
    },
    ...opened.events,
  );
  return {
    ticket: { ...ticket, approvals, status: 'in_progress', holdReason: null, tasks: opened.tasks },
    events,
    outcome: 'approved',
  };
}

/** The request cancelled for want of a decision (the sweeper, at `expireAt`). */
export function expireApproval(ticket: Ticket): { ticket: Ticket; events: Events } {
  return {
    ticket: {
      ...ticket,
      status: 'cancelled',
      holdReason: null,
      cancelReason: 'approval_expired',
      tasks: cancelUnfinishedTasks(ticket.tasks),
    },
    events: [
      {
        detailType: 'Request Approval Expired',
        detail: {
          ticketId: ticket.id,
          pendingGroups: pendingGroups(ticket),
          expireAt: ticket.approvalTerms?.expireAt,
        },
      },
      {
        detailType: 'Ticket Status Changed',
        detail: { ticketId: ticket.id, from: ticket.status, to: 'cancelled' },
      },
    ],
  };
}

/** When the sweeper must next look at a request awaiting approval; null when it need not. */
export function nextApprovalDue(ticket: Ticket): string | null {
  if (!awaitingApproval(ticket) || !ticket.approvalTerms) return null;
  return ticket.approvalTerms.escalatedAt ? ticket.approvalTerms.expireAt : ticket.approvalTerms.escalateAt;
}
