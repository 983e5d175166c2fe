import { afterEach, describe, expect, it } from 'vitest';
import { TaskTokenGoneError } from '../../../functions/changes/workflow/change-workflow.js';
import { LocalTaskTokens } from '../../../functions/changes/workflow/local-task-tokens.js';
import { TestClock } from '../../../functions/shared/clock/test-clock.js';

/** Settles to 'pending' if the promise has not settled within `ms`. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | 'pending'> {
  return Promise.race([
    promise,
    new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), ms)),
  ]);
}

function goneReason(run: () => void): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof TaskTokenGoneError) return error.reason;
    throw error;
  }
  return undefined;
}

describe('local task tokens', () => {
  const clock = new TestClock();
  const tokens = new LocalTaskTokens(clock, 20);
  afterEach(() => {
    tokens.shutdown();
    clock.reset();
  });

  it('are distinct, opaque and settle with the output SendTaskSuccess gives', async () => {
    const a = tokens.issue('CHG-000001', 60);
    const b = tokens.issue('CHG-000001', 60);
    expect(a.token).not.toBe(b.token);
    expect(a.token.length).toBeGreaterThan(30);
    tokens.succeed(a.token, { decision: 'approve' });
    await expect(a.result).resolves.toEqual({ decision: 'approve' });
    expect(await within(b.result, 50)).toBe('pending');
  });

  it('fail with the error name SendTaskFailure gives, which Catch matches', async () => {
    const { token, result } = tokens.issue('CHG-000001', 60);
    tokens.fail(token, 'Change.Rejected', '{"group":"network"}');
    await expect(result).rejects.toMatchObject({ name: 'Change.Rejected', message: '{"group":"network"}' });
  });

  it('time out when the test clock passes the deadline, not before', async () => {
    const { token, result } = tokens.issue('CHG-000001', 3600);
    expect(await within(result, 100)).toBe('pending');
    clock.advance(61);
    await expect(within(result, 1000)).rejects.toMatchObject({ name: 'States.Timeout' });
    expect(goneReason(() => tokens.succeed(token, {}))).toBe('TaskTimedOut');
  });

  it('are gone once used, and unknown ones never existed', () => {
    const { token, result } = tokens.issue('CHG-000001', 60);
    result.catch(() => undefined);
    tokens.succeed(token, {});
    expect(goneReason(() => tokens.succeed(token, {}))).toBe('TaskDoesNotExist');
    expect(goneReason(() => tokens.fail('local-task-token-nope', 'x', 'y'))).toBe('TaskDoesNotExist');
  });

  it("end with their execution, leaving other executions' tokens alone", async () => {
    const stopped = tokens.issue('CHG-000001', 60);
    const running = tokens.issue('CHG-000002', 60);
    tokens.endExecution('CHG-000001');
    await expect(stopped.result).rejects.toMatchObject({ name: 'States.Aborted' });
    expect(goneReason(() => tokens.succeed(stopped.token, {}))).toBe('TaskDoesNotExist');
    tokens.succeed(running.token, { ok: true });
    await expect(running.result).resolves.toEqual({ ok: true });
  });
});
