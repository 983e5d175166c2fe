import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WORKFLOW_ERRORS } from '../../functions/changes/workflow/workflow-contract.js';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ServiceBusyError,
  ValidationError,
} from '../../functions/shared/errors.js';
import {
  ann,
  bob,
  type ChangeWorld,
  cara,
  changeInput,
  changeWorld,
  dan,
  erin,
  inHours,
  olga,
  person,
  rita,
  root,
  standardInput,
} from './change-world.js';

/** The rejection, for matching its class and members. */
async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

const forRita = { requester: { id: 'rita', email: 'rita@example.com', name: 'Rita' } };

describe('ChangeService: create and submit', () => {
  let w: ChangeWorld;
  beforeEach(async () => {
    w = await changeWorld();
  });

  it('an agent creates a draft, numbered, with its execution, and starts the workflow', async () => {
    const change = await w.service.create(ann, changeInput());
    expect(change).toMatchObject({
      id: 'CHG-000001',
      status: 'draft',
      risk: null,
      approvalGroups: ['network'],
      requester: { id: 'ann' },
      submittedBy: { id: 'ann', name: 'ann' },
      executionArn: w.workflow.executionArnFor('CHG-000001'),
      createdAt: w.clock.now().toISOString(),
      version: 1,
    });
    expect(await w.stored('CHG-000001')).toEqual(change);
    expect(await w.actions(change.id)).toEqual(['created']);
    expect(w.workflow.started).toEqual(['CHG-000001']);
  });

  it('the workflow it starts assesses the risk and asks the groups (no backout plan: high, change managers last)', async () => {
    const { id } = await w.service.create(
      root,
      changeInput({ backoutPlan: null, approvalGroups: ['network', 'database'] }),
    );
    await w.toPendingApproval(id);
    const change = await w.service.get(ann, id);
    expect(change.status).toBe('pending_approval');
    expect(change.risk).toMatchObject({ level: 'high' });
    expect(change.risk?.reasons[0]).toMatch(/no backout plan/);
    expect(change.approvals.map((a) => [a.stage, a.group, a.status])).toEqual([
      ['cab', 'network', 'pending'],
      ['cab', 'database', 'pending'],
    ]);
    expect(await w.steps.assess(id)).toEqual({
      route: 'approval',
      cab: ['network', 'database'],
      changeManager: ['change-managers'],
    });
  });

  it('only agents and admins create: a requester or an approver gets 403 and draws no number', async () => {
    expect(await failure(w.service.create(rita, changeInput()))).toBeInstanceOf(ForbiddenError);
    expect(await failure(w.service.create(cara, changeInput()))).toBeInstanceOf(ForbiddenError);
    expect((await w.service.create(root, changeInput())).id).toBe('CHG-000001');
  });

  it('an unknown approval group is 400 naming it, and draws no number', async () => {
    const error = await failure(
      w.service.create(ann, changeInput({ approvalGroups: ['network', 'nobody'] })),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).errors).toEqual([
      { path: 'approvalGroups.1', message: 'group nobody does not exist' },
    ]);
    expect((await w.service.create(ann, changeInput())).id).toBe('CHG-000001');
    expect(w.workflow.started).toEqual(['CHG-000001']);
  });

  it('a group named twice is asked once (one batch read may not name a key twice)', async () => {
    const change = await w.service.create(ann, changeInput({ approvalGroups: ['network', 'network'] }));
    expect(change.approvalGroups).toEqual(['network']);
  });

  it('window rules are checked before a number is drawn', async () => {
    const error = await failure(
      w.service.create(ann, changeInput({ plannedStart: inHours(-3), plannedEnd: inHours(-1) })),
    );
    expect((error as ValidationError).errors.map((e) => e.path)).toEqual(['plannedEnd']);
    expect((await w.service.create(ann, changeInput())).id).toBe('CHG-000001');
  });

  it('a workflow that cannot start leaves a draft and a 503; submit starts it later, once', async () => {
    w.workflow.failStart = new Error('throttled');
    const error = await failure(w.service.create(ann, changeInput()));
    expect(error).toBeInstanceOf(ServiceBusyError);
    expect((error as Error).message).toMatch(/CHG-000001 is saved as a draft .*throttled.*submit retries/);
    expect((await w.stored('CHG-000001')).status).toBe('draft');
    w.workflow.failStart = undefined;
    await w.service.submit(ann, 'CHG-000001');
    expect(w.workflow.started).toEqual(['CHG-000001']);
    await w.steps.submit('CHG-000001');
    const again = await failure(w.service.submit(ann, 'CHG-000001'));
    expect(again).toBeInstanceOf(ConflictError);
    expect((again as ConflictError).extensions).toMatchObject({ changeStatus: 'assessing' });
    expect(await failure(w.service.submit(cara, 'CHG-000001'))).toBeInstanceOf(ForbiddenError);
  });
});

describe('ChangeService: who sees what', () => {
  let w: ChangeWorld;
  let ritas: string;
  let other: string;

  beforeEach(async () => {
    w = await changeWorld();
    // Ann's change holds switch-1 first; Rita's, on the same CI and window, conflicts with it.
    other = (await w.service.create(ann, changeInput())).id;
    await w.toPendingApproval(other);
    ritas = (await w.service.create(ann, changeInput(forRita))).id;
    await w.toPendingApproval(ritas);
  });

  it('a requester reads the changes raised for them; another one gets 404, exactly as for a missing one', async () => {
    expect((await w.service.get(rita, ritas)).requester.id).toBe('rita');
    const foreign = await failure(w.service.get(bob, ritas));
    const missing = await failure(w.service.get(bob, 'CHG-999999'));
    expect(foreign).toBeInstanceOf(NotFoundError);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect((foreign as Error).message).toBe(`change ${ritas} does not exist`);
    expect(await failure(w.service.get(rita, other))).toBeInstanceOf(NotFoundError);
    expect(await failure(w.service.get(ann, 'not-a-change'))).toBeInstanceOf(NotFoundError);
  });

  it('conflicts with other changes are left out for requesters, freeze windows are not', async () => {
    await w.freezes.put(
      {
        id: 'year-end',
        name: 'Year end',
        start: inHours(49),
        end: inHours(60),
        reason: null,
        ciIds: ['elsewhere'],
        serviceIds: [],
        createdAt: inHours(0),
        updatedAt: inHours(0),
        version: 1,
      },
      0,
    );
    // An emergency passes the freeze with it recorded; it also overlaps both changes on switch-1.
    const emergency = (
      await w.service.create(ann, {
        ...changeInput({ type: 'emergency', approvalGroups: undefined, ciIds: ['switch-1', 'elsewhere'] }),
        ...forRita,
      })
    ).id;
    await w.toPendingApproval(emergency);
    const asAgent = await w.service.get(ann, emergency);
    expect(asAgent.conflicts.map((c) => c.kind)).toEqual(['change', 'change', 'freeze']);
    const asRita = await w.service.get(rita, emergency);
    expect(asRita.conflicts).toEqual([asAgent.conflicts[2]]);
    expect((await w.service.get(rita, ritas)).conflicts).toEqual([]);
    expect((await w.service.get(cara, ritas)).conflicts).toMatchObject([{ kind: 'change', changeId: other }]);
    const listed = await w.service.list(rita, {}, { limit: 10 });
    expect(listed.items.map((c) => [c.id, c.conflicts.length])).toEqual([
      [emergency, 1],
      [ritas, 0],
    ]);
  });

  it('a requester lists only the changes raised for them, whatever they filter on', async () => {
    expect((await w.service.list(rita, {}, { limit: 10 })).items.map((c) => c.id)).toEqual([ritas]);
    expect((await w.service.list(bob, { requester: 'rita' }, { limit: 10 })).items).toEqual([]);
    expect((await w.service.list(cara, {}, { limit: 10 })).items.map((c) => c.id)).toEqual([ritas, other]);
  });

  it('history is for agents, approvers and admins; the requester sees the change but not its history', async () => {
    expect((await w.service.listHistory(cara, ritas, { limit: 10 })).items[0]?.action).toBe('created');
    expect(await failure(w.service.listHistory(rita, ritas, { limit: 10 }))).toBeInstanceOf(ForbiddenError);
    expect(await failure(w.service.listHistory(bob, ritas, { limit: 10 }))).toBeInstanceOf(NotFoundError);
  });
});

describe('ChangeService: approvals', () => {
  let w: ChangeWorld;
  let id: string;
  let tokens: Record<string, string>;

  beforeEach(async () => {
    w = await changeWorld();
    id = (await w.service.create(ann, changeInput({ approvalGroups: ['network', 'database'], ...forRita })))
      .id;
    tokens = await w.toPendingApproval(id);
  });

  it('an approval is decided once: recorded, its token completed; a second decision is 409 and changes nothing', async () => {
    const decided = await w.service.decide(cara, id, { decision: 'approve', comment: 'fine' });
    expect(decided.approvals.find((a) => a.group === 'network')).toMatchObject({
      status: 'approved',
      approver: 'cara',
      decision: 'approve',
      comment: 'fine',
      decidedAt: w.clock.now().toISOString(),
    });
    expect(w.workflow.completions).toEqual([
      {
        taskToken: tokens.network,
        success: { decision: 'approve', stage: 'cab', group: 'network', approver: 'cara' },
      },
    ]);
    expect(
      await w.changes.getCallback(id, { kind: 'approval', stage: 'cab', group: 'network' }),
    ).toMatchObject({ state: 'answered', taskToken: null });
    const second = await failure(w.service.decide(cara, id, { decision: 'reject' }));
    expect(second).toBeInstanceOf(ConflictError);
    expect((second as ConflictError).extensions).toMatchObject({ pendingGroups: ['database'] });
    expect((await w.stored(id)).approvals.find((a) => a.group === 'network')?.decision).toBe('approve');
    expect(w.workflow.completions).toHaveLength(1);
  });

  it('two members deciding at once: one decision counts, the other is 409', async () => {
    const member = person('carl', 'approver');
    const network = (await w.groups.get('network'))!;
    await w.groups.put({ ...network, members: ['cara', 'carl'], version: 2 }, 1);
    const results = await Promise.allSettled([
      w.service.decide(cara, id, { decision: 'approve' }),
      w.service.decide(member, id, { decision: 'reject' }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(lost.reason).toBeInstanceOf(ConflictError);
    expect(w.workflow.completions).toHaveLength(1);
    const approval = (await w.stored(id)).approvals.find((a) => a.group === 'network');
    expect(approval?.approver).toBe(w.workflow.completions[0]?.success ? 'cara' : 'carl');
  });

  it('a rejection fails the task with Change.Rejected, naming approver and comment', async () => {
    await w.service.decide(dan, id, { decision: 'reject', comment: 'not this week' });
    expect(w.workflow.completions).toEqual([
      {
        taskToken: tokens.database,
        failure: {
          error: WORKFLOW_ERRORS.rejected,
          cause: JSON.stringify({
            stage: 'cab',
            group: 'database',
            approver: 'dan',
            comment: 'not this week',
          }),
        },
      },
    ]);
  });

  it('a dead task token is a 409 with its reason, and the decision does not count', async () => {
    await w.workflow.stop(w.workflow.executionArnFor(id), 'test');
    const error = await failure(w.service.decide(dan, id, { decision: 'approve' }));
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).extensions).toMatchObject({ reason: 'TaskDoesNotExist' });
    expect((error as Error).message).toMatch(/no longer waiting for it .* it was not counted/);
    expect((await w.service.get(ann, id)).approvals.find((a) => a.group === 'database')).toMatchObject({
      status: 'pending',
      approver: null,
      decision: null,
      decidedAt: null,
    });
    expect((await w.actions(id)).slice(-2)).toEqual(['approval decided', 'approval decision voided']);
    expect(await w.events(id)).toContain('Change Approval Decision Voided');
    // The claim is given back without the dead token: a decision now waits for the workflow's next one.
    expect(
      await w.changes.getCallback(id, { kind: 'approval', stage: 'cab', group: 'database' }),
    ).toMatchObject({ state: 'open', taskToken: null });
  });

  it('a token that timed out says so', async () => {
    w.workflow.end(tokens.network!, 'TaskTimedOut');
    const error = await failure(w.service.decide(cara, id, { decision: 'approve' }));
    expect((error as ConflictError).extensions).toMatchObject({ reason: 'TaskTimedOut' });
    expect((error as Error).message).toMatch(/window had closed \(timed out\)/);
  });

  it('after a voided decision and a fresh token, the approval can be decided', async () => {
    w.workflow.end(tokens.network!, 'TaskTimedOut');
    await failure(w.service.decide(cara, id, { decision: 'approve' }));
    const fresh = w.workflow.issue(id);
    await w.steps.requestApproval({ changeId: id, stage: 'cab', group: 'network' }, fresh);
    await w.service.decide(cara, id, { decision: 'approve' });
    expect(w.workflow.completions.at(-1)?.taskToken).toBe(fresh);
  });

  it('only approvers decide (403); an approver outside the pending groups gets 409 naming them', async () => {
    expect(await failure(w.service.decide(ann, id, { decision: 'approve' }))).toBeInstanceOf(ForbiddenError);
    expect(await failure(w.service.decide(rita, id, { decision: 'approve' }))).toBeInstanceOf(ForbiddenError);
    expect(await failure(w.service.decide(bob, id, { decision: 'approve' }))).toBeInstanceOf(NotFoundError);
    const outsider = await failure(w.service.decide(olga, id, { decision: 'approve' }));
    expect(outsider).toBeInstanceOf(ConflictError);
    expect((outsider as ConflictError).extensions.pendingGroups).toEqual(['network', 'database']);
    expect((outsider as Error).message).toMatch(/for a group you belong to/);
    expect(w.workflow.completions).toEqual([]);
  });

  it('a member of several pending groups names one; naming another group of theirs is 409', async () => {
    const both = person('dual', 'approver');
    for (const group of ['network', 'database']) {
      const current = (await w.groups.get(group))!;
      await w.groups.put({ ...current, members: [...current.members, 'dual'], version: 2 }, 1);
    }
    const unnamed = await failure(w.service.decide(both, id, { decision: 'approve' }));
    expect((unnamed as ValidationError).errors.map((e) => e.path)).toEqual(['group']);
    await w.service.decide(both, id, { decision: 'approve', group: 'database' });
    expect(w.workflow.completions[0]?.taskToken).toBe(tokens.database);
    expect(await failure(w.service.decide(erin, id, { decision: 'approve', group: 'ecab' }))).toBeInstanceOf(
      ConflictError,
    );
  });

  it('no approval is pending once the change has moved on: 409 with its status', async () => {
    await w.service.cancel(ann, id, 'not needed');
    const error = await failure(w.service.decide(cara, id, { decision: 'approve' }));
    expect((error as ConflictError).extensions).toMatchObject({ changeStatus: 'cancelled' });
  });

  describe('while the workflow is between steps', () => {
    beforeEach(() => {
      vi.useFakeTimers({ toFake: ['setTimeout'] });
    });
    afterEach(() => {
      vi.useRealTimers();
    });

    it('a decision waits briefly for the token, then answers 409', async () => {
      // Escalation retires the token: until the workflow stores the next one, there is none.
      await w.steps.escalateApproval({ changeId: id, stage: 'cab', group: 'network' });
      const decision = failure(w.service.decide(cara, id, { decision: 'approve' }));
      await vi.advanceTimersByTimeAsync(2_100);
      const error = await decision;
      expect(error).toBeInstanceOf(ConflictError);
      expect((error as Error).message).toMatch(/not waiting for this approval right now/);
      expect((await w.stored(id)).approvals.find((a) => a.group === 'network')?.status).toBe('pending');
    });

    it('a token stored while the decision waits is used', async () => {
      await w.steps.escalateApproval({ changeId: id, stage: 'cab', group: 'network' });
      const decision = w.service.decide(cara, id, { decision: 'approve' });
      await vi.advanceTimersByTimeAsync(250);
      const fresh = w.workflow.issue(id);
      await w.steps.requestApproval({ changeId: id, stage: 'cab', group: 'network' }, fresh);
      await vi.advanceTimersByTimeAsync(250);
      await decision;
      expect(w.workflow.completions.map((c) => c.taskToken)).toEqual([fresh]);
    });
  });
});

describe('ChangeService: implementation, review and cancel', () => {
  let w: ChangeWorld;
  let id: string;

  beforeEach(async () => {
    w = await changeWorld();
    id = (await w.service.create(ann, standardInput(forRita))).id;
  });

  it('implementation, review and cancel are for agents and admins: an approver or the requester gets 403', async () => {
    await w.toImplementing(id);
    for (const caller of [cara, rita]) {
      expect(
        await failure(w.service.reportImplementation(caller, id, { outcome: 'successful' })),
      ).toBeInstanceOf(ForbiddenError);
      expect(await failure(w.service.review(caller, id, 'fine'))).toBeInstanceOf(ForbiddenError);
      expect(await failure(w.service.cancel(caller, id, 'no'))).toBeInstanceOf(ForbiddenError);
    }
    expect(await failure(w.service.reportImplementation(bob, id, { outcome: 'successful' }))).toBeInstanceOf(
      NotFoundError,
    );
  });

  it('implementation and review of a change not at that step are 409 naming its status', async () => {
    await w.steps.submit(id);
    const implementation = await failure(w.service.reportImplementation(ann, id, { outcome: 'successful' }));
    expect(implementation).toBeInstanceOf(ConflictError);
    expect((implementation as ConflictError).extensions).toMatchObject({ changeStatus: 'assessing' });
    const review = await failure(w.service.review(ann, id, 'early'));
    expect((review as ConflictError).extensions).toMatchObject({ changeStatus: 'assessing' });
  });

  it('runs to closed: the report and the review complete their tokens once, and a second report is 409', async () => {
    const implementationToken = await w.toImplementing(id);
    const reported = await w.service.reportImplementation(ann, id, { outcome: 'successful', notes: 'done' });
    expect(reported.implementation).toEqual({
      outcome: 'successful',
      notes: 'done',
      reportedBy: 'ann',
      reportedAt: w.clock.now().toISOString(),
    });
    expect(await failure(w.service.reportImplementation(ann, id, { outcome: 'failed' }))).toBeInstanceOf(
      ConflictError,
    );
    const reviewToken = await w.toReview(id);
    expect((await w.stored(id)).status).toBe('review');
    await w.service.review(root, id, 'went well');
    expect(await failure(w.service.review(ann, id, 'again'))).toBeInstanceOf(ConflictError);
    await w.steps.close(id);
    expect(w.workflow.completions).toEqual([
      { taskToken: implementationToken, success: { outcome: 'successful' } },
      { taskToken: reviewToken, success: { reviewed: true } },
    ]);
    const closed = await w.service.get(rita, id);
    expect(closed).toMatchObject({ status: 'closed', review: { notes: 'went well', reviewedBy: 'root' } });
    expect(await w.events(id)).toEqual(
      expect.arrayContaining(['Change Implemented', 'Change Closed', 'Change Status Changed']),
    );
  });

  it('a report whose token died is voided: 409, and the implementation is open again', async () => {
    const token = await w.toImplementing(id);
    w.workflow.end(token, 'TaskTimedOut');
    const error = await failure(w.service.reportImplementation(ann, id, { outcome: 'successful' }));
    expect((error as ConflictError).extensions).toMatchObject({ reason: 'TaskTimedOut' });
    expect((await w.stored(id)).implementation).toBeNull();
    expect((await w.actions(id)).at(-1)).toMatch(/^implementation report voided: /);
  });

  it('cancels before implementation: pending approvals withdrawn, the execution stopped', async () => {
    const normal = (await w.service.create(ann, changeInput({ approvalGroups: ['network', 'database'] }))).id;
    const tokens = await w.toPendingApproval(normal);
    await w.service.decide(cara, normal, { decision: 'approve' });
    const cancelled = await w.service.cancel(ann, normal, 'superseded');
    expect(cancelled).toMatchObject({ status: 'cancelled', statusReason: 'superseded' });
    expect(cancelled.approvals.map((a) => [a.group, a.status])).toEqual([
      ['network', 'approved'],
      ['database', 'withdrawn'],
    ]);
    expect(w.workflow.stopped).toEqual([
      { executionArn: w.workflow.executionArnFor(normal), cause: 'superseded' },
    ]);
    expect(w.workflow.isWaiting(tokens.database!)).toBe(false);
  });

  it('a cancel stands even when the execution cannot be stopped', async () => {
    w.workflow.failStop = new Error('throttled');
    expect((await w.service.cancel(ann, id, 'not now')).status).toBe('cancelled');
    expect((await w.stored(id)).status).toBe('cancelled');
  });

  it('an implementing change cannot be cancelled: 409 naming the allowed moves', async () => {
    await w.toImplementing(id);
    const error = await failure(w.service.cancel(ann, id, 'too late'));
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).extensions).toMatchObject({
      from: 'implementing',
      to: 'cancelled',
      allowed: ['review', 'failed'],
    });
    expect(w.workflow.stopped).toEqual([]);
  });
});
