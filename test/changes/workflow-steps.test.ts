import { beforeEach, describe, expect, it } from 'vitest';
import type { Change } from '../../functions/changes/model.js';
import { WORKFLOW_ERRORS } from '../../functions/changes/workflow/workflow-contract.js';
import { ChangeBusyError, StepNotApplicableError } from '../../functions/changes/workflow/workflow-errors.js';
import {
  ann,
  type ChangeWorld,
  cara,
  changeInput,
  changeWorld,
  dan,
  inHours,
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

const network = { stage: 'cab', group: 'network' } as const;
const database = { stage: 'cab', group: 'database' } as const;

describe('workflow steps: submit and assess', () => {
  let w: ChangeWorld;
  beforeEach(async () => {
    w = await changeWorld();
  });

  async function freeze(id: string, start: string, end: string, ciIds: string[] = []) {
    const now = w.clock.now().toISOString();
    await w.freezes.put(
      {
        id,
        name: `Freeze ${id}`,
        start,
        end,
        reason: null,
        ciIds,
        serviceIds: [],
        createdAt: now,
        updatedAt: now,
        version: 1,
      },
      0,
    );
  }

  it('submit takes a draft on once; a retry changes nothing; a cancelled draft is not applicable', async () => {
    const { id } = await w.service.create(ann, changeInput());
    await w.steps.submit(id);
    await w.steps.submit(id);
    expect((await w.stored(id)).status).toBe('assessing');
    expect(await w.actions(id)).toEqual(['created', 'submitted']);
    expect(await w.events(id)).toEqual(['Change Submitted', 'Change Status Changed']);
    const cancelled = (await w.service.create(ann, changeInput())).id;
    await w.service.cancel(ann, cancelled, 'typo');
    const error = await failure(w.steps.submit(cancelled));
    expect(error).toBeInstanceOf(StepNotApplicableError);
    expect(error).toMatchObject({ name: WORKFLOW_ERRORS.stepNotApplicable });
  });

  it('a plain normal change is low risk and waits for its groups', async () => {
    const { id } = await w.service.create(ann, changeInput({ approvalGroups: ['network', 'database'] }));
    await w.steps.submit(id);
    expect(await w.steps.assess(id)).toEqual({
      route: 'approval',
      cab: ['network', 'database'],
      changeManager: [],
    });
    expect(await w.stored(id)).toMatchObject({
      status: 'pending_approval',
      risk: { level: 'low', score: 0 },
      conflicts: [],
      impactedServices: [],
    });
    // Low risk lists what it was computed from too.
    expect((await w.stored(id)).risk?.reasons).toEqual(
      expect.arrayContaining([
        'touches 1 configuration item',
        'window of 2 h (4 h or less)',
        'backout plan present',
      ]),
    );
  });

  it('a retried assessment answers from what it stored and writes nothing', async () => {
    const { id } = await w.service.create(ann, changeInput());
    await w.steps.submit(id);
    const first = await w.steps.assess(id);
    const history = await w.actions(id);
    expect(await w.steps.assess(id)).toEqual(first);
    expect(await w.actions(id)).toEqual(history);
  });

  it('no implementation plan and a window over a day make it high risk: the change managers approve last', async () => {
    const { id } = await w.service.create(
      ann,
      changeInput({ implementationPlan: null, plannedEnd: inHours(48 + 30) }),
    );
    await w.steps.submit(id);
    expect(await w.steps.assess(id)).toEqual({
      route: 'approval',
      cab: ['network'],
      changeManager: ['change-managers'],
    });
    expect((await w.stored(id)).risk).toMatchObject({ level: 'high', score: 4 });
  });

  it('a standard change without findings goes straight to scheduling', async () => {
    const { id } = await w.service.create(ann, standardInput());
    await w.steps.submit(id);
    expect(await w.steps.assess(id)).toEqual({ route: 'schedule', cab: [], changeManager: [] });
    expect((await w.stored(id)).status).toBe('assessing');
  });

  it('finds the changes in flight that hold an overlapping window on a shared CI', async () => {
    const create = async (input: Parameters<typeof changeInput>[0], submit = true) => {
      const { id } = await w.service.create(ann, changeInput(input));
      if (submit) await w.steps.submit(id);
      return id;
    };
    const overlapping = await create({ ciIds: ['switch-1', 'router-1'], plannedStart: inHours(49) });
    // Starts 12 days before, lasts 13 days: at the very edge of what the lookback reads.
    const long = await create({ plannedStart: inHours(48 - 12 * 24), plannedEnd: inHours(49) });
    await create({ plannedStart: inHours(50), plannedEnd: inHours(52) }); // starts as the window ends
    await create({ ciIds: ['switch-9'] }); // another CI
    const cancelled = await create({});
    await w.service.cancel(ann, cancelled, 'dropped');
    await create({}, false); // a draft claims nothing yet
    const id = await create({ ciIds: ['switch-1', 'router-1'] });
    await w.steps.assess(id);
    const change = await w.stored(id);
    expect(change.conflicts).toEqual([
      {
        kind: 'change',
        changeId: overlapping,
        via: 'same_ci',
        ciIds: ['switch-1', 'router-1'],
        plannedStart: inHours(49),
        plannedEnd: inHours(50),
      },
      {
        kind: 'change',
        changeId: long,
        via: 'same_ci',
        ciIds: ['switch-1'],
        plannedStart: inHours(48 - 12 * 24),
        plannedEnd: inHours(49),
      },
    ]);
    expect(change.risk?.reasons).toContain('overlaps 2 other change(s) on shared configuration items');
  });

  it('a freeze window rejects a normal change, naming it; freezes elsewhere or ending at its start do not', async () => {
    await freeze('release', inHours(47), inHours(49));
    await freeze('other-ci', inHours(47), inHours(49), ['router-7']);
    await freeze('before', inHours(40), inHours(48));
    const { id } = await w.service.create(ann, changeInput());
    await w.steps.submit(id);
    expect((await w.steps.assess(id)).route).toBe('blocked');
    const change = await w.stored(id);
    expect(change).toMatchObject({
      status: 'rejected',
      statusReason: 'planned window falls in freeze window release',
      conflicts: [
        {
          kind: 'freeze',
          freezeWindowId: 'release',
          name: 'Freeze release',
          start: inHours(47),
          end: inHours(49),
          blocking: true,
        },
      ],
    });
    expect(await w.events(id)).toEqual(
      expect.arrayContaining(['Change Assessed', 'Change Rejected', 'Change Status Changed']),
    );
  });

  it('an emergency passes a freeze, recorded and riskier, and waits for the ECAB', async () => {
    await freeze('release', inHours(47), inHours(49), ['switch-1']);
    const { id } = await w.service.create(ann, changeInput({ type: 'emergency', approvalGroups: undefined }));
    await w.steps.submit(id);
    expect(await w.steps.assess(id)).toEqual({ route: 'approval', cab: ['ecab'], changeManager: [] });
    const change = await w.stored(id);
    expect(change.conflicts).toMatchObject([{ kind: 'freeze', freezeWindowId: 'release', blocking: false }]);
    expect(change.risk).toMatchObject({ level: 'medium', score: 2 });
    expect(change.risk?.reasons).toContain('falls in freeze window release (Freeze release)');
  });
});

describe('workflow steps: approvals', () => {
  let w: ChangeWorld;
  let id: string;
  let tokens: Record<string, string>;

  beforeEach(async () => {
    w = await changeWorld();
    id = (await w.service.create(ann, changeInput({ approvalGroups: ['network', 'database'] }))).id;
    tokens = await w.toPendingApproval(id);
  });

  const approval = (change: Change, group: string) => change.approvals.find((a) => a.group === group);
  const callback = (group: string) => w.changes.getCallback(id, { kind: 'approval', stage: 'cab', group });

  it('an approval requested is recorded once, with its event and its token', async () => {
    const change = await w.stored(id);
    expect(approval(change, 'network')).toEqual({
      stage: 'cab',
      group: 'network',
      status: 'pending',
      approver: null,
      decision: null,
      comment: null,
      requestedAt: w.clock.now().toISOString(),
      escalatedAt: null,
      decidedAt: null,
    });
    expect(await callback('network')).toMatchObject({ state: 'open', taskToken: tokens.network });
    const history = await w.changes.listHistory(id, { limit: 100 });
    const requested = history.items.filter((h) => h.action === 'approval requested');
    expect(requested.map((h) => h.events.map((e) => e.detail))).toEqual([
      [{ changeId: id, stage: 'cab', group: 'network' }],
      [{ changeId: id, stage: 'cab', group: 'database' }],
    ]);
  });

  it('a second request (after escalation) only stores the fresh token', async () => {
    const before = await w.actions(id);
    const fresh = w.workflow.issue(id);
    await w.steps.requestApproval({ changeId: id, ...network }, fresh);
    expect(await w.actions(id)).toEqual(before);
    expect((await w.stored(id)).approvals).toHaveLength(2);
    expect(await callback('network')).toMatchObject({ state: 'open', taskToken: fresh });
  });

  it('escalation marks the approval and retires its token, once', async () => {
    w.clock.advance(24 * 60);
    await w.steps.escalateApproval({ changeId: id, ...network });
    await w.steps.escalateApproval({ changeId: id, ...network });
    const change = await w.stored(id);
    expect(approval(change, 'network')).toMatchObject({
      status: 'pending',
      escalatedAt: w.clock.now().toISOString(),
    });
    expect((await w.actions(id)).filter((a) => a === 'approval escalated')).toHaveLength(1);
    const history = await w.changes.listHistory(id, { limit: 100 });
    expect(history.items.at(-1)?.events).toEqual([
      {
        detailType: 'Change Approval Escalated',
        detail: { changeId: id, stage: 'cab', group: 'network', requestedAt: inHours(0) },
      },
    ]);
    expect(await callback('network')).toMatchObject({ state: 'open', taskToken: null });
    expect(await callback('database')).toMatchObject({ state: 'open', taskToken: tokens.database });
  });

  it('expiry marks the approval expired; the rejection that follows withdraws the others', async () => {
    w.clock.advance(72 * 60);
    await w.steps.expireApproval({ changeId: id, ...network });
    await w.steps.expireApproval({ changeId: id, ...network }); // a retry finds it done
    expect(approval(await w.stored(id), 'network')).toMatchObject({
      status: 'expired',
      decidedAt: w.clock.now().toISOString(),
    });
    expect(await w.events(id)).toContain('Change Approval Expired');
    await w.steps.reject(id, WORKFLOW_ERRORS.approvalExpired);
    await w.steps.reject(id, WORKFLOW_ERRORS.approvalExpired);
    const change = await w.stored(id);
    expect(change).toMatchObject({
      status: 'rejected',
      statusReason: 'the network approval expired without a decision',
    });
    expect(change.approvals.map((a) => [a.group, a.status])).toEqual([
      ['network', 'expired'],
      ['database', 'withdrawn'],
    ]);
    expect(await failure(w.steps.expireApproval({ changeId: id, ...database }))).toBeInstanceOf(
      StepNotApplicableError,
    );
  });

  it('a rejection names the group, the approver and the comment', async () => {
    await w.service.decide(dan, id, { decision: 'reject', comment: 'not this week' });
    await w.steps.reject(id, WORKFLOW_ERRORS.rejected);
    expect(await w.stored(id)).toMatchObject({
      status: 'rejected',
      statusReason: 'rejected by database (dan): not this week',
    });
  });

  it('an approval already decided holds a late escalation or request back as busy (a decision may be being undone)', async () => {
    await w.service.decide(cara, id, { decision: 'approve' });
    const escalation = await failure(w.steps.escalateApproval({ changeId: id, ...network }));
    expect(escalation).toBeInstanceOf(ChangeBusyError);
    expect(escalation).toMatchObject({ name: WORKFLOW_ERRORS.busy });
    expect(
      await failure(w.steps.requestApproval({ changeId: id, ...network }, w.workflow.issue(id))),
    ).toBeInstanceOf(ChangeBusyError);
    expect(
      await failure(w.steps.escalateApproval({ changeId: id, stage: 'change_manager', group: 'x' })),
    ).toBeInstanceOf(StepNotApplicableError);
  });

  it('all approved: scheduled, with the approvals in the event', async () => {
    await w.service.decide(cara, id, { decision: 'approve' });
    await w.service.decide(dan, id, { decision: 'approve' });
    expect(await w.steps.schedule(id)).toEqual({ plannedStart: inHours(48) });
    expect(await w.steps.schedule(id)).toEqual({ plannedStart: inHours(48) });
    expect((await w.stored(id)).status).toBe('scheduled');
    const events = await w.events(id);
    expect(events.slice(-3)).toEqual(['Change Approved', 'Change Scheduled', 'Change Status Changed']);
  });
});

describe('workflow steps: implementation and review', () => {
  let w: ChangeWorld;
  let id: string;

  beforeEach(async () => {
    w = await changeWorld();
    id = (await w.service.create(ann, standardInput())).id;
    await w.steps.submit(id);
    await w.steps.assess(id);
    await w.steps.schedule(id);
  });

  it('waits for plannedStart, then starts with the time left until plannedEnd + 4 h', async () => {
    expect(await w.steps.beginImplementation(id)).toEqual({ outcome: 'waiting', plannedStart: inHours(48) });
    expect((await w.stored(id)).status).toBe('scheduled');
    w.clock.set(new Date(inHours(48)));
    expect(await w.steps.beginImplementation(id)).toEqual({
      outcome: 'started',
      changeId: id,
      timeoutSeconds: 6 * 3600,
    });
    expect((await w.stored(id)).status).toBe('implementing');
    const token = w.workflow.issue(id);
    await w.steps.awaitImplementation(id, token);
    expect(await w.changes.getCallback(id, { kind: 'implementation' })).toMatchObject({
      state: 'open',
      taskToken: token,
    });
  });

  it('a change cancelled while it waited for its window ends the loop', async () => {
    await w.service.cancel(ann, id, 'not needed');
    expect(await w.steps.beginImplementation(id)).toEqual({ outcome: 'cancelled' });
  });

  it('waiting for a human answer is not applicable to a change at another step', async () => {
    expect(await failure(w.steps.awaitImplementation(id, w.workflow.issue(id)))).toBeInstanceOf(
      StepNotApplicableError,
    );
    expect(await failure(w.steps.awaitReview(id, w.workflow.issue(id)))).toBeInstanceOf(
      StepNotApplicableError,
    );
  });

  it('no result by the deadline fails the change as timed out', async () => {
    w.clock.set(new Date(inHours(48)));
    await w.steps.beginImplementation(id);
    w.clock.set(new Date(inHours(54)));
    await w.steps.implementationTimedOut(id);
    await w.steps.implementationTimedOut(id);
    expect(await w.stored(id)).toMatchObject({
      status: 'failed',
      statusReason: `no implementation result by ${inHours(54)} (plannedEnd + 4 h)`,
      implementation: { outcome: 'timed_out', reportedBy: null, reportedAt: inHours(54) },
    });
  });

  it('a failed implementation ends the change failed', async () => {
    await w.toImplementing(id);
    await w.service.reportImplementation(ann, id, { outcome: 'failed', notes: 'backed out' });
    expect(await w.steps.recordImplementation(id)).toEqual({ next: 'failed' });
    expect(await w.steps.recordImplementation(id)).toEqual({ next: 'failed' });
    expect((await w.stored(id)).status).toBe('failed');
  });

  it('a review period without a review closes the change, saying so', async () => {
    await w.toImplementing(id);
    await w.service.reportImplementation(ann, id, { outcome: 'partially_successful' });
    await w.toReview(id);
    await w.steps.close(id, 14);
    expect(await w.stored(id)).toMatchObject({
      status: 'closed',
      review: null,
      statusReason: 'closed without a review after 14 days',
    });
  });
});
