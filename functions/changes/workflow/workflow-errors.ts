import { WORKFLOW_ERRORS } from './workflow-contract.js';

/**
 * Errors a workflow step ends with. Their `name` is what Step Functions matches in Retry and Catch
 * (a Lambda error's name becomes the state's error), so the names are part of the contract.
 */

/** The change is not in a state this step applies to (cancelled meanwhile, say): never retried. */
export class StepNotApplicableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = WORKFLOW_ERRORS.stepNotApplicable;
  }
}

/** Another writer holds the record in a passing state (a decision being undone): retried with backoff. */
export class ChangeBusyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = WORKFLOW_ERRORS.busy;
  }
}
