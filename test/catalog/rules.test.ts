import { describe, expect, it } from 'vitest';
import {
  applyDecision,
  approvalNeeded,
  chooseApproval,
  initialApprovals,
  nextApprovalDue,
} from '../../functions/catalog/approvals.js';
import { applyTaskUpdate, openReadyTasks, TASK_TRANSITIONS } from '../../functions/catalog/fulfilment.js';
import { type FulfilmentStep, pendingTasks } from '../../functions/catalog/model.js';
import { checkSteps, stepsOnCycles } from '../../functions/catalog/steps.js';
import { ConflictError, ValidationError } from '../../functions/shared/errors.js';
import type { Ticket } from '../../functions/tickets/model.js';
import { newTicket } from '../../functions/tickets/rules.js';
import { caller } from '../cmdb/cmdb-world.js';

const step = (id: string, after: string[] = [], groupId = 'desk'): FulfilmentStep => ({
  id,
  name: id,
  groupId,
  after,
  instructions: null,
});
const NOW = '2026-11-23T10:00:00.000Z';
const ava = caller('ava', ['approver']);

function request(fields: Partial<Ticket> = {}): Ticket {
  const base = newTicket(
    'REQ-000001',
    { type: 'service_request', title: 'Laptop' },
    caller('rita', ['requester']),
    {
      now: NOW,
      eventId: 'e1',
    },
  );
  return { ...base, ...fields };
}

describe('fulfilment DAG', () => {
  it('accepts a diamond and reports no cycle', () => {
    const result = checkSteps([step('a'), step('b', ['a']), step('c', ['a']), step('d', ['b', 'c'])]);
    expect(result).toEqual({ errors: [], cycle: [] });
  });

  it('names an unknown predecessor and a duplicate id at their paths', () => {
    const result = checkSteps([step('a'), step('a'), step('b', ['zz'])]);
    expect(result.errors.map((error) => error.path)).toEqual([
      'fulfilment.steps.1.id',
      'fulfilment.steps.2.after.0',
    ]);
  });

  it('finds the steps on a cycle, not those merely waiting for one', () => {
    expect(stepsOnCycles([step('a', ['c']), step('b', ['a']), step('c', ['b']), step('d', ['c'])])).toEqual([
      'a',
      'b',
      'c',
    ]);
    expect(stepsOnCycles([step('self', ['self'])])).toEqual(['self']);
    expect(checkSteps([step('a', ['b']), step('b', ['a'])]).cycle.map((issue) => issue.path)).toEqual([
      'fulfilment.steps.0.after',
      'fulfilment.steps.1.after',
    ]);
  });
});

describe('approval policy', () => {
  const rule = {
    policy: 'all' as const,
    groups: ['it', 'fin'],
    requiredWhen: null,
    escalateAfterHours: 24,
    expireAfterHours: 72,
  };

  it('is needed unless the policy is none, or requiredWhen does not match', () => {
    expect(approvalNeeded(rule, false)).toBe(true);
    expect(approvalNeeded({ ...rule, requiredWhen: { type: 'object' } }, false)).toBe(false);
    expect(approvalNeeded({ ...rule, requiredWhen: { type: 'object' } }, true)).toBe(true);
    expect(approvalNeeded({ ...rule, policy: 'none' }, true)).toBe(false);
  });

  it('starts one pending approval per group, due to escalate and expire after the rule’s hours', () => {
    const { approvals, terms } = initialApprovals(rule, NOW);
    expect(approvals.map((a) => [a.group, a.decision])).toEqual([
      ['it', null],
      ['fin', null],
    ]);
    expect(terms).toEqual({
      policy: 'all',
      escalateAt: '2026-11-24T10:00:00.000Z',
      expireAt: '2026-11-26T10:00:00.000Z',
      escalatedAt: null,
    });
  });

  const waiting = () => {
    const { approvals, terms } = initialApprovals(rule, NOW);
    return request({
      status: 'on_hold',
      holdReason: 'awaiting_approval',
      approvals,
      approvalTerms: terms,
      tasks: pendingTasks([step('a'), step('b', ['a'])]),
    });
  };

  it('all: stays pending until every group approved, then opens the first tasks', () => {
    const first = applyDecision(waiting(), 'it', ava, { decision: 'approve' }, NOW);
    expect(first.outcome).toBe('pending');
    expect(first.ticket.status).toBe('on_hold');
    const second = applyDecision(first.ticket, 'fin', ava, { decision: 'approve' }, NOW);
    expect(second.outcome).toBe('approved');
    expect(second.ticket.status).toBe('in_progress');
    expect(second.ticket.holdReason).toBeNull();
    expect(second.ticket.tasks.map((t) => t.status)).toEqual(['open', 'pending']);
    expect(nextApprovalDue(second.ticket)).toBeNull();
  });

  it('any: the first approval approves', () => {
    const any = { ...waiting(), approvalTerms: { ...waiting().approvalTerms!, policy: 'any' as const } };
    expect(applyDecision(any, 'fin', ava, { decision: 'approve' }, NOW).outcome).toBe('approved');
  });

  it('a rejection cancels with approval_rejected and cancels the tasks', () => {
    const result = applyDecision(waiting(), 'it', ava, { decision: 'reject', comment: 'no' }, NOW);
    expect(result.ticket.status).toBe('cancelled');
    expect(result.ticket.cancelReason).toBe('approval_rejected');
    expect(result.ticket.tasks.every((t) => t.status === 'cancelled')).toBe(true);
  });

  it('chooses the approval: named, the only pending one, 400 at group when several, 409 when decided', () => {
    const ticket = waiting();
    expect(chooseApproval(ticket, new Set(['it']), { decision: 'approve' })).toBe('it');
    const several = (() => {
      try {
        chooseApproval(ticket, new Set(['it', 'fin']), { decision: 'approve' });
      } catch (error) {
        return error;
      }
    })();
    expect(several).toBeInstanceOf(ValidationError);
    expect((several as ValidationError).errors[0]!.path).toBe('group');
    const decided = applyDecision(ticket, 'it', ava, { decision: 'approve' }, NOW).ticket;
    expect(() => chooseApproval(decided, new Set(['it']), { decision: 'approve' })).toThrow(
      /already decided/,
    );
    expect(() => chooseApproval(ticket, new Set(), { decision: 'approve' })).toThrow(ConflictError);
  });
});

describe('task transitions', () => {
  const working = () =>
    request({
      status: 'in_progress',
      tasks: openReadyTasks('REQ-000001', pendingTasks([step('a'), step('b', ['a']), step('c', ['a'])]))
        .tasks,
    });

  it('opens tasks whose predecessors are all done or skipped', () => {
    const ticket = working();
    expect(ticket.tasks.map((t) => t.status)).toEqual(['open', 'pending', 'pending']);
    const after = applyTaskUpdate(ticket, ticket.tasks[0]!, { status: 'skipped' }, NOW);
    expect(after.ticket.tasks.map((t) => t.status)).toEqual(['skipped', 'open', 'open']);
    expect(after.events.map((e) => e.detailType)).toEqual([
      'Request Task Completed',
      'Request Task Opened',
      'Request Task Opened',
    ]);
  });

  it('refuses moves outside the table with the allowed ones', () => {
    const ticket = working();
    const pending = ticket.tasks[1]!;
    expect(() => applyTaskUpdate(ticket, pending, { status: 'done' }, NOW)).toThrow(ConflictError);
    try {
      applyTaskUpdate(ticket, { ...ticket.tasks[0]!, status: 'failed' }, { status: 'done' }, NOW);
    } catch (error) {
      expect((error as ConflictError).extensions).toMatchObject({ allowed: ['in_progress'] });
    }
    expect(TASK_TRANSITIONS.done).toEqual([]);
  });

  it('resolves the request with its last task, and reports a failure', () => {
    let ticket = working();
    ticket = applyTaskUpdate(ticket, ticket.tasks[0]!, { status: 'done' }, NOW).ticket;
    const failed = applyTaskUpdate(ticket, ticket.tasks[1]!, { status: 'failed' }, NOW);
    expect(failed.events.map((e) => e.detailType)).toContain('Request Task Failed');
    ticket = applyTaskUpdate(failed.ticket, failed.ticket.tasks[1]!, { status: 'in_progress' }, NOW).ticket;
    ticket = applyTaskUpdate(ticket, ticket.tasks[1]!, { status: 'done' }, NOW).ticket;
    expect(ticket.status).toBe('in_progress');
    const last = applyTaskUpdate(ticket, ticket.tasks[2]!, { status: 'done', notes: 'ok' }, NOW);
    expect(last.ticket.status).toBe('resolved');
    expect(last.ticket.resolution).toEqual({ code: 'fixed', notes: 'All fulfilment tasks completed' });
    expect(last.events.map((e) => e.detailType)).toContain('Request Fulfilled');
  });
});
