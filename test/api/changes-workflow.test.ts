import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../functions/shared/outbox/event-bus.js';
import { failMailOnce, redeliverToNotifier } from '../support/notifier.js';
import { type ChangeStack, DAY, HOUR, normalChange, startChangeStack } from './changes-support.js';

// The named workflow cases of issue 5, each through the API against the state machine the CDK
// stack synthesises, run locally by aws-local-stepfunctions with the test clock driving its timers.
describe('change workflow', () => {
  let s: ChangeStack;

  beforeAll(async () => {
    s = await startChangeStack();
  }, 120_000);
  afterAll(() => s?.rt.stop());

  it('happy path: assessed, approved by every group, implemented at the window, reviewed, closed', async () => {
    const started = performance.now();
    const created = await s.submit(normalChange(s));
    expect(created.status, created.text).toBe(201);
    expect(created.headers.get('location')).toBe(`/changes/${created.json.id}`);
    const id = created.json.id as string;
    expect(created.json).toMatchObject({ status: 'draft', approvals: [], risk: null });
    expect(created.json.executionArn).toMatch(new RegExp(`:execution:[^:]+:${id}$`));

    const pending = await s.waitFor(
      id,
      (c) => c.status === 'pending_approval' && c.approvals.length === 2,
      'both approvals requested',
    );
    expect(pending.risk).toMatchObject({
      level: 'low',
      reasons: expect.arrayContaining(['touches 2 configuration items', 'backout plan present']),
    });
    expect(pending.approvals.map((a: { group: string }) => a.group).sort()).toEqual(['database', 'network']);

    expect((await s.decide(id, 'network', 'approve', 'fine by network')).status).toBe(200);
    expect((await s.get(id)).json.status).toBe('pending_approval');
    expect((await s.decide(id, 'database', 'approve')).status).toBe(200);
    const scheduled = await s.waitForStatus(id, 'scheduled');
    expect(scheduled.approvals).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          group: 'network',
          status: 'approved',
          approver: 'cara',
          comment: 'fine by network',
        }),
        expect.objectContaining({ group: 'database', status: 'approved', approver: 'dan' }),
      ]),
    );

    // Nothing happens before the window (three polls later it still waits); past plannedStart it
    // starts within a poll. The pause is left out of the measured time.
    const pauseMs = 300;
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
    expect((await s.get(id)).json.status).toBe('scheduled');
    await s.advanceClock(2 * DAY + 1);
    const clockMoved = performance.now();
    await s.waitForStatus(id, 'implementing', 5_000);
    const toImplementingMs = performance.now() - clockMoved;
    expect(toImplementingMs).toBeLessThan(3_000);

    const report = await s.http.request('POST', `/changes/${id}/implementation`, {
      body: { outcome: 'successful', notes: 'both switches on 9.3' },
    });
    expect(report.status, report.text).toBe(200);
    await s.waitForStatus(id, 'review');
    const review = await s.http.request('POST', `/changes/${id}/review`, { body: { notes: 'no incidents' } });
    expect(review.status, review.text).toBe(200);
    const closed = await s.waitForStatus(id, 'closed');
    const happyPathMs = performance.now() - started - pauseMs;
    expect(closed).toMatchObject({
      implementation: { outcome: 'successful', reportedBy: 'ann' },
      review: { notes: 'no incidents', reviewedBy: 'ann' },
      statusReason: null,
    });

    const history = await s.history(id);
    expect(history.map((h) => h.action)).toEqual([
      'created',
      'submitted',
      'assessed',
      'approval requested',
      'approval requested',
      'approval decided',
      'approval decided',
      'scheduled',
      'implementation started',
      'implementation reported',
      'implemented',
      'reviewed',
      'closed',
    ]);
    expect(history.filter((h) => h.action === 'approval decided').map((h) => h.actor.id)).toEqual([
      'cara',
      'dan',
    ]);
    const events = (await s.events(id)).map((e) => e.detailType);
    for (const type of [
      'Change Submitted',
      'Change Assessed',
      'Change Approval Requested',
      'Change Approval Decided',
      'Change Approved',
      'Change Scheduled',
      'Change Implementation Started',
      'Change Implemented',
      'Change Closed',
    ]) {
      expect(events, type).toContain(type);
    }

    // The execution shows every step too, as the Step Functions console would.
    const execution = s.workflow.describe(id)!;
    expect(execution.status).toBe('SUCCEEDED');
    const entered = execution.events.filter((e) => e.type === 'StateEntered').map((e) => e.state);
    for (const state of [
      'Submit',
      'Assess',
      'CabApproval',
      'Schedule',
      'WaitForWindow',
      'BeginImplementation',
    ]) {
      expect(entered, state).toContain(state);
    }
    expect(entered.at(-1)).toBe('ChangeClosed');
    console.info(
      `happy path through the local API: ${happyPathMs.toFixed(0)} ms in all, ` +
        `${toImplementingMs.toFixed(0)} ms from moving the clock to implementing`,
    );
  });

  it('reject: any rejection rejects the change, withdraws the other approvals, and a late decision is 409', async () => {
    const { json: change } = await s.submit(normalChange(s));
    await s.waitFor(change.id, (c) => c.approvals.length === 2, 'both approvals requested');
    const rejected = await s.decide(change.id, 'network', 'reject', 'not during quarter close');
    expect(rejected.status, rejected.text).toBe(200);
    const done = await s.waitForStatus(change.id, 'rejected');
    expect(done.statusReason).toBe('rejected by network (cara): not during quarter close');
    expect(done.approvals).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ group: 'network', status: 'rejected', decision: 'reject' }),
        expect.objectContaining({ group: 'database', status: 'withdrawn', decision: null }),
      ]),
    );
    const late = await s.http.request('POST', `/changes/${change.id}/approvals`, {
      token: s.tokens.database,
      body: { decision: 'approve' },
    });
    expect(late.status).toBe(409);
    expect(late.headers.get('content-type')).toMatch(/problem\+json/);
    const rejection = (await s.events(change.id)).find((e) => e.detailType === 'Change Rejected');
    expect(rejection?.detail).toMatchObject({ cause: 'approval_rejected', changeId: change.id });
    expect(s.workflow.describe(change.id)?.events.at(-1)?.type).toBe('ExecutionSucceeded');
  });

  it('standard: pre-approved, scheduled without any approval', async () => {
    const { json: change } = await s.submit(normalChange(s, { type: 'standard', approvalGroups: undefined }));
    const scheduled = await s.waitForStatus(change.id, 'scheduled');
    expect(scheduled.approvals).toEqual([]);
    expect(scheduled.risk.level).toBe('low');
    const events = (await s.events(change.id)).map((e) => e.detailType);
    expect(events).toContain('Change Scheduled');
    expect(events).not.toContain('Change Approved');
  });

  it('emergency: one approval from ecab is enough', async () => {
    const { json: change } = await s.submit(
      normalChange(s, {
        type: 'emergency',
        approvalGroups: undefined,
        plannedStart: s.at(30),
        plannedEnd: s.at(90),
      }),
    );
    const pending = await s.waitFor(
      change.id,
      (c) => c.approvals.length === 1,
      'the ecab approval requested',
    );
    expect(pending.approvals[0]).toMatchObject({ stage: 'cab', group: 'ecab', status: 'pending' });
    expect(pending.risk.reasons).toContain('emergency change: prepared and reviewed under time pressure');
    const outsider = await s.http.request('POST', `/changes/${change.id}/approvals`, {
      token: s.tokens.network,
      body: { decision: 'approve' },
    });
    expect(outsider.status).toBe(409);
    expect((await s.decide(change.id, 'ecab', 'approve')).status).toBe(200);
    await s.waitForStatus(change.id, 'scheduled');
  });

  it('high risk: no backout plan makes it high, which adds a change-manager stage after the CAB', async () => {
    const { json: change } = await s.submit(
      normalChange(s, { backoutPlan: null, approvalGroups: ['network'] }),
    );
    const pending = await s.waitFor(change.id, (c) => c.approvals.length === 1, 'the CAB approval requested');
    expect(pending.risk.level).toBe('high');
    expect(pending.risk.reasons[0]).toMatch(/no backout plan/);
    expect((await s.decide(change.id, 'network', 'approve')).status).toBe(200);
    const managerStage = await s.waitFor(
      change.id,
      (c) => c.approvals.some((a: { stage: string }) => a.stage === 'change_manager'),
      'the change-manager stage',
    );
    expect(managerStage.status).toBe('pending_approval');
    expect(managerStage.approvals).toContainEqual(
      expect.objectContaining({ stage: 'change_manager', group: 'change-managers', status: 'pending' }),
    );
    expect((await s.decide(change.id, 'change-managers', 'approve')).status).toBe(200);
    const scheduled = await s.waitForStatus(change.id, 'scheduled');
    expect(
      scheduled.approvals.map((a: { stage: string; status: string }) => `${a.stage}:${a.status}`),
    ).toEqual(['cab:approved', 'change_manager:approved']);
  });

  it('escalation: a pending approval escalates after 24 h with an event and a mail, and can still be decided', async () => {
    const { json: change } = await s.submit(normalChange(s, { approvalGroups: ['network'] }));
    await s.waitFor(change.id, (c) => c.approvals.length === 1, 'the approval requested');
    await s.advanceClock(24 * HOUR + 1);
    const escalated = await s.waitFor(change.id, (c) => c.approvals[0].escalatedAt !== null, 'escalated');
    expect(escalated.status).toBe('pending_approval');
    expect((await s.events(change.id)).map((e) => e.detailType)).toContain('Change Approval Escalated');
    const mail = s.rt.outbox.filter((m) => m.subject.startsWith(`[${change.id}] Approval overdue`));
    expect(mail).toHaveLength(1);
    expect(mail[0]!.to).toEqual(
      expect.arrayContaining(['network@example.com', 'change-managers@example.com']),
    );
    // The escalated approval waits on a fresh task token; a decision right away waits for it and counts.
    const decided = await s.decide(change.id, 'network', 'approve');
    expect(decided.status, decided.text).toBe(200);
    await s.waitForStatus(change.id, 'scheduled');
  });

  it('expiry: an approval undecided after 72 h expires and rejects the change', async () => {
    const { json: change } = await s.submit(normalChange(s, { approvalGroups: ['database'] }));
    await s.waitFor(change.id, (c) => c.approvals.length === 1, 'the approval requested');
    await s.advanceClock(24 * HOUR + 1);
    await s.waitFor(change.id, (c) => c.approvals[0].escalatedAt !== null, 'escalated');
    await s.waitForState(change.id, 'CabApprovalAwaitAfterEscalation');
    await s.advanceClock(48 * HOUR + 1);
    const rejected = await s.waitForStatus(change.id, 'rejected');
    expect(rejected.approvals[0]).toMatchObject({ status: 'expired', decision: null });
    expect(rejected.statusReason).toBe('the database approval expired without a decision');
    const events = (await s.events(change.id)).map((e) => e.detailType);
    expect(events).toEqual(expect.arrayContaining(['Change Approval Expired', 'Change Rejected']));
    expect(s.rt.outbox.some((m) => m.subject.startsWith(`[${change.id}] Approval expired`))).toBe(true);
    const late = await s.http.request('POST', `/changes/${change.id}/approvals`, {
      token: s.tokens.database,
      body: { decision: 'approve' },
    });
    expect(late.status).toBe(409);
  });

  it('approval request mail: a failed send is retried and mailed once; a redelivered request mails nothing more', async () => {
    const title = `Flaky mail ${s.ci()}`;
    const flaky = failMailOnce(s.rt, (mail) => mail.subject.endsWith(` ${title}`));
    let change: { id: string };
    let events: Awaited<ReturnType<typeof s.events>>;
    try {
      change = (await s.submit(normalChange(s, { title, approvalGroups: ['network'] }))).json;
      await s.waitFor(change.id, (c) => c.approvals.length === 1, 'the approval requested');
      events = await s.events(change.id); // flushes: the request is an event the notifier mails
    } finally {
      flaky.restore();
    }
    expect(flaky.failed()).toBe(1);
    const requests = () =>
      s.rt.outbox.filter((m) => m.subject.startsWith(`[${change.id}] Approval requested`));
    expect(requests().map((m) => [m.subject, m.to])).toEqual([
      [`[${change.id}] Approval requested: ${change.id} ${title}`, ['network@example.com']],
    ]);
    expect(requests()[0]!.text).toContain(`waits for the network approval.\nWindow: `);
    const requested = events.find((e) => e.detailType === 'Change Approval Requested');
    expect(requested?.detail).toMatchObject({ changeId: change.id, stage: 'cab', group: 'network' });
    expect(requests()[0]!.messageId).toBe(`<${change.id}.${requested?.detail.eventId}@opsdesk.local>`);
    expect(await redeliverToNotifier(s.rt, requested as unknown as DomainEvent)).toBe('duplicate');
    expect(requests()).toHaveLength(1);
    expect((await s.decide(change.id, 'network', 'reject')).status).toBe(200);
  });

  it('implementation failure: a reported failure ends failed, with the backout in the notes', async () => {
    const id = await scheduledChange(s);
    await s.advanceClock(2 * DAY + 1);
    await s.waitForStatus(id, 'implementing');
    const report = await s.http.request('POST', `/changes/${id}/implementation`, {
      body: { outcome: 'failed', notes: 'switch 2 did not boot; rolled back to 9.2' },
    });
    expect(report.status, report.text).toBe(200);
    const failed = await s.waitForStatus(id, 'failed');
    expect(failed.implementation).toMatchObject({
      outcome: 'failed',
      notes: 'switch 2 did not boot; rolled back to 9.2',
    });
    expect((await s.events(id)).map((e) => e.detailType)).toContain('Change Failed');
    const review = await s.http.request('POST', `/changes/${id}/review`, { body: { notes: 'too late' } });
    expect(review.status).toBe(409);
  });

  it('the change report counts each implementation in its day: one success, one failure more', async () => {
    const day = (minutes: number) => s.at(minutes).slice(0, 10);
    const range = `from=${day(-300 * DAY)}&to=${day(10 * DAY)}`;
    const report = async () => {
      await s.rt.flushEvents();
      const res = await s.http.request('GET', `/reports/changes?${range}`);
      expect(res.status, res.text).toBe(200);
      return res.json.rows[0] as { implemented: number; successful: number; failed: number };
    };
    const before = await report();
    for (const outcome of ['successful', 'failed'] as const) {
      const id = await scheduledChange(s);
      await s.advanceClock(2 * DAY + 1);
      await s.waitForStatus(id, 'implementing');
      const reported = await s.http.request('POST', `/changes/${id}/implementation`, {
        body: { outcome, notes: 'as planned, or rolled back' },
      });
      expect(reported.status, reported.text).toBe(200);
      await s.waitForStatus(id, outcome === 'successful' ? 'review' : 'failed');
    }
    const after = await report();
    expect(after.implemented - before.implemented).toBe(2);
    expect(after.successful - before.successful).toBe(1);
    expect(after.failed - before.failed).toBe(1);
  });

  it('implementation timeout: no result by plannedEnd + 4 h fails the change', async () => {
    const id = await scheduledChange(s);
    await s.advanceClock(2 * DAY + 1);
    await s.waitForStatus(id, 'implementing');
    await s.waitForState(id, 'AwaitImplementation');
    await s.advanceClock(2 * HOUR + 4 * HOUR + 1);
    const failed = await s.waitForStatus(id, 'failed');
    expect(failed.implementation.outcome).toBe('timed_out');
    expect(failed.statusReason).toMatch(/no implementation result by .* \(plannedEnd \+ 4 h\)/);
    const late = await s.http.request('POST', `/changes/${id}/implementation`, {
      body: { outcome: 'successful' },
    });
    expect(late.status).toBe(409);
  });

  it('cancel: possible until implementation starts; it stops the execution and ends pending approvals', async () => {
    const { json: change } = await s.submit(normalChange(s, { approvalGroups: ['network'] }));
    await s.waitFor(change.id, (c) => c.approvals.length === 1, 'the approval requested');
    const cancelled = await s.http.request('POST', `/changes/${change.id}/cancel`, {
      body: { reason: 'vendor recalled the firmware' },
    });
    expect(cancelled.status, cancelled.text).toBe(200);
    expect(cancelled.json).toMatchObject({
      status: 'cancelled',
      statusReason: 'vendor recalled the firmware',
    });
    expect(cancelled.json.approvals[0].status).toBe('withdrawn');
    expect(s.workflow.describe(change.id)?.status).toBe('ABORTED');
    const decision = await s.http.request('POST', `/changes/${change.id}/approvals`, {
      token: s.tokens.network,
      body: { decision: 'approve' },
    });
    expect(decision.status).toBe(409);
    expect((await s.events(change.id)).map((e) => e.detailType)).toContain('Change Cancelled');

    const implementing = await scheduledChange(s);
    await s.advanceClock(2 * DAY + 1);
    await s.waitForStatus(implementing, 'implementing');
    const tooLate = await s.http.request('POST', `/changes/${implementing}/cancel`, {
      body: { reason: 'changed my mind' },
    });
    expect(tooLate.status).toBe(409);
    expect(tooLate.json).toMatchObject({
      from: 'implementing',
      to: 'cancelled',
      allowed: ['review', 'failed'],
    });
    await s.http.request('POST', `/changes/${implementing}/implementation`, {
      body: { outcome: 'successful' },
    });
    await s.waitForStatus(implementing, 'review');
  });

  it('a requester reading their own change does not see, in conflicts, another change they get 404 for', async () => {
    const shared = s.ci();
    const others = await s.submit(
      normalChange(s, { type: 'standard', approvalGroups: undefined, ciIds: [shared] }),
    );
    await s.waitForStatus(others.json.id, 'scheduled');
    const ritas = await s.submit(
      normalChange(s, {
        type: 'standard',
        approvalGroups: undefined,
        ciIds: [shared],
        requester: { id: 'rita', email: 'rita@example.com' },
      }),
    );
    const assessed = await s.waitFor(ritas.json.id, (c) => c.risk !== null, 'assessed');
    expect(assessed.conflicts).toEqual([
      expect.objectContaining({ kind: 'change', changeId: others.json.id }),
    ]);
    const asRita = { token: s.tokens.requester };
    expect((await s.http.request('GET', `/changes/${others.json.id}`, asRita)).status).toBe(404);
    const seen = await s.http.request('GET', `/changes/${ritas.json.id}`, asRita);
    expect(seen.status).toBe(200);
    expect(seen.json.conflicts).toEqual([]);
    expect(JSON.stringify(seen.json)).not.toContain(others.json.id);
    const listed = await s.http.request('GET', '/changes', asRita);
    const inList = listed.json.items.find((c: { id: string }) => c.id === ritas.json.id);
    expect(inList.conflicts).toEqual([]);
    // Agents still see the whole assessment.
    expect((await s.get(ritas.json.id)).json.conflicts).toHaveLength(1);
  });

  it('conflict reported: another change on a shared CI in an overlapping window is listed and raises the risk', async () => {
    const shared = s.ci();
    const first = await s.submit(
      normalChange(s, { type: 'standard', approvalGroups: undefined, ciIds: [shared] }),
    );
    await s.waitForStatus(first.json.id, 'scheduled');
    const second = await s.submit(
      normalChange(s, {
        type: 'standard',
        approvalGroups: undefined,
        ciIds: [shared, s.ci()],
        plannedStart: s.at(2 * DAY + HOUR),
        plannedEnd: s.at(2 * DAY + 3 * HOUR),
      }),
    );
    const assessed = await s.waitFor(second.json.id, (c) => c.risk !== null, 'assessed');
    expect(assessed.conflicts).toEqual([
      {
        kind: 'change',
        changeId: first.json.id,
        via: 'same_ci',
        ciIds: [shared],
        plannedStart: first.json.plannedStart,
        plannedEnd: first.json.plannedEnd,
      },
    ]);
    expect(assessed.risk.reasons).toContain('overlaps 1 other change(s) on shared configuration items');
    const detail = (await s.events(second.json.id)).find((e) => e.detailType === 'Change Assessed')?.detail;
    expect(detail?.conflicts).toEqual(assessed.conflicts);

    // Windows are half-open: one starting exactly when another ends does not conflict with it.
    const adjacent = await s.submit(
      normalChange(s, {
        type: 'standard',
        approvalGroups: undefined,
        ciIds: [shared],
        plannedStart: second.json.plannedEnd,
        plannedEnd: s.at(3 * DAY),
      }),
    );
    expect((await s.waitFor(adjacent.json.id, (c) => c.risk !== null, 'assessed')).conflicts).toEqual([]);
  });

  it('freeze window: blocks a normal change but not an emergency one', async () => {
    const frozen = s.ci();
    const put = await s.http.request('PUT', '/freeze-windows/year-end', {
      token: s.rt.adminToken,
      body: { name: 'Year-end freeze', start: s.at(3 * DAY), end: s.at(5 * DAY), ciIds: [frozen] },
    });
    expect(put.status, put.text).toBe(201);
    const window = { ciIds: [frozen], plannedStart: s.at(4 * DAY), plannedEnd: s.at(4 * DAY + HOUR) };

    const normal = await s.submit(normalChange(s, window));
    const blocked = await s.waitForStatus(normal.json.id, 'rejected');
    expect(blocked.statusReason).toBe('planned window falls in freeze window year-end');
    expect(blocked.conflicts).toEqual([
      expect.objectContaining({ kind: 'freeze', freezeWindowId: 'year-end', blocking: true }),
    ]);
    expect(blocked.approvals).toEqual([]);
    const rejection = (await s.events(normal.json.id)).find((e) => e.detailType === 'Change Rejected');
    expect(rejection?.detail.cause).toBe('freeze_window');

    const emergency = await s.submit(
      normalChange(s, { ...window, type: 'emergency', approvalGroups: undefined }),
    );
    const passing = await s.waitFor(
      emergency.json.id,
      (c) => c.approvals.length === 1,
      'the ecab approval requested',
    );
    expect(passing.conflicts).toEqual([expect.objectContaining({ kind: 'freeze', blocking: false })]);
    expect(passing.risk.reasons).toContain('falls in freeze window year-end (Year-end freeze)');

    const elsewhere = await s.submit(
      normalChange(s, { plannedStart: window.plannedStart, plannedEnd: window.plannedEnd }),
    );
    await s.waitFor(elsewhere.json.id, (c) => c.status === 'pending_approval', 'not frozen: other CIs');
  });
});

/** A standard change (no approvals) scheduled two days ahead; returns its id once scheduled. */
async function scheduledChange(s: ChangeStack): Promise<string> {
  const { json } = await s.submit(normalChange(s, { type: 'standard', approvalGroups: undefined }));
  await s.waitForStatus(json.id, 'scheduled');
  return json.id;
}
