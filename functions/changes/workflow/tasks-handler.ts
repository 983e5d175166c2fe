import * as z from 'zod/mini';
import '../../shared/zod-locale.js';
import { DomainError, ServiceBusyError } from '../../shared/errors.js';
import { APPROVAL_STAGES } from '../model.js';
import { ChangeBusyError, StepNotApplicableError } from './workflow-errors.js';
import type { ChangeWorkflowSteps } from './workflow-steps.js';

const changeId = z.string().check(z.regex(/^CHG-\d{6,}$/));
const approval = { changeId, stage: z.enum(APPROVAL_STAGES), group: z.string().check(z.minLength(1)) };
const taskToken = z.string().check(z.minLength(1), z.maxLength(2048));

/** The payloads the state machine's task states send (lib/changes.ts builds them). */
export const changeTaskEvent = z.discriminatedUnion('action', [
  z.object({ action: z.literal('submit'), changeId }),
  z.object({ action: z.literal('assess'), changeId }),
  z.object({ action: z.literal('requestApproval'), ...approval, taskToken }),
  z.object({ action: z.literal('escalateApproval'), ...approval }),
  z.object({ action: z.literal('expireApproval'), ...approval }),
  z.object({ action: z.literal('schedule'), changeId }),
  z.object({ action: z.literal('reject'), changeId, error: z.looseObject({ Error: z.string() }) }),
  z.object({ action: z.literal('beginImplementation'), changeId }),
  z.object({ action: z.literal('awaitImplementation'), changeId, taskToken }),
  z.object({ action: z.literal('recordImplementation'), changeId }),
  z.object({ action: z.literal('implementationTimedOut'), changeId }),
  z.object({ action: z.literal('awaitReview'), changeId, taskToken }),
  z.object({
    action: z.literal('close'),
    changeId,
    unreviewedAfterDays: z.optional(z.int().check(z.positive())),
  }),
]);
export type ChangeTaskEvent = z.input<typeof changeTaskEvent>;

export type ChangeTaskHandler = (event: unknown) => Promise<unknown>;

/**
 * The state machine's task function: one Lambda for every step of the change workflow, chosen by
 * `action`. Errors leave with names the state machine matches: a step that does not apply is
 * `Change.StepNotApplicable` (never retried), contention is `Change.Busy` (retried with backoff),
 * anything else keeps its own name and is retried as transient.
 */
export function createChangeTasksHandler(steps: ChangeWorkflowSteps): ChangeTaskHandler {
  const run = async (event: z.output<typeof changeTaskEvent>): Promise<unknown> => {
    switch (event.action) {
      case 'submit':
        return steps.submit(event.changeId).then(() => ({ changeId: event.changeId }));
      case 'assess':
        return steps.assess(event.changeId);
      case 'requestApproval':
        return steps.requestApproval(event, event.taskToken).then(() => ({}));
      case 'escalateApproval':
        return steps.escalateApproval(event).then(() => ({}));
      case 'expireApproval':
        return steps.expireApproval(event).then(() => ({}));
      case 'schedule':
        return steps.schedule(event.changeId);
      case 'reject':
        return steps.reject(event.changeId, event.error.Error).then(() => ({}));
      case 'beginImplementation':
        return steps.beginImplementation(event.changeId);
      case 'awaitImplementation':
        return steps.awaitImplementation(event.changeId, event.taskToken).then(() => ({}));
      case 'recordImplementation':
        return steps.recordImplementation(event.changeId);
      case 'implementationTimedOut':
        return steps.implementationTimedOut(event.changeId).then(() => ({}));
      case 'awaitReview':
        return steps.awaitReview(event.changeId, event.taskToken).then(() => ({}));
      case 'close':
        return steps.close(event.changeId, event.unreviewedAfterDays).then(() => ({}));
    }
  };

  return async (raw) => {
    const parsed = changeTaskEvent.safeParse(raw);
    if (!parsed.success) {
      throw new StepNotApplicableError(`invalid task input: ${z.prettifyError(parsed.error)}`);
    }
    try {
      return await run(parsed.data);
    } catch (error) {
      if (error instanceof StepNotApplicableError || error instanceof ChangeBusyError) throw error;
      if (error instanceof ServiceBusyError) throw new ChangeBusyError(error.message);
      // A domain rule refused the step (e.g. an illegal transition): retrying cannot help.
      if (error instanceof DomainError) throw new StepNotApplicableError(error.message);
      throw error;
    }
  };
}
