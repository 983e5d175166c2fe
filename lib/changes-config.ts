import * as z from 'zod';
import { CHANGE_WORKFLOW_DEFAULTS, MAX_TIMER_DAYS } from '../functions/changes/workflow/workflow-contract.js';

/**
 * The change workflow's settings, from CDK context (`cdk.json` or `-c key=value`):
 *   changeApprovalEscalateHours  a pending approval escalates after this long (default 24)
 *   changeApprovalExpireHours    ...and expires as a rejection after this long (default 72)
 *   changeReviewTimeoutDays      a change in review closes itself after this long (default 14)
 * Every timer stays under MAX_TIMER_DAYS, which both Step Functions and the local engine honour.
 */
export interface ChangeWorkflowConfig {
  readonly escalateAfterHours: number;
  readonly expireAfterHours: number;
  readonly reviewTimeoutDays: number;
}

export const CHANGE_CONFIG_KEYS = {
  escalateAfterHours: 'changeApprovalEscalateHours',
  expireAfterHours: 'changeApprovalExpireHours',
  reviewTimeoutDays: 'changeReviewTimeoutDays',
} as const;

const hours = z.coerce
  .number()
  .int()
  .min(1)
  .max(MAX_TIMER_DAYS * 24);

const schema = z
  .object({
    escalateAfterHours: hours.default(CHANGE_WORKFLOW_DEFAULTS.escalateAfterHours),
    expireAfterHours: hours.default(CHANGE_WORKFLOW_DEFAULTS.expireAfterHours),
    reviewTimeoutDays: z.coerce
      .number()
      .int()
      .min(1)
      .max(MAX_TIMER_DAYS)
      .default(CHANGE_WORKFLOW_DEFAULTS.reviewTimeoutDays),
  })
  .refine((config) => config.expireAfterHours > config.escalateAfterHours, {
    path: ['expireAfterHours'],
    message: 'must be longer than the escalation delay',
  });

export function changeWorkflowConfig(tryGetContext: (key: string) => unknown): ChangeWorkflowConfig {
  const raw = Object.fromEntries(
    Object.entries(CHANGE_CONFIG_KEYS)
      .map(([field, key]) => [field, tryGetContext(key)] as const)
      .filter(([, value]) => value !== undefined),
  );
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const field = issue.path[0] as keyof typeof CHANGE_CONFIG_KEYS;
    return `${CHANGE_CONFIG_KEYS[field] ?? field}: ${issue.message}`;
  });
  throw new Error(`Invalid Opsdesk change workflow config: ${problems.join('; ')}`);
}
