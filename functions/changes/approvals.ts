import type { Group } from '../groups/model.js';
import type { Caller } from '../shared/authz.js';
import {
  type Approval,
  type ApprovalStage,
  CHANGE_MANAGER_GROUP,
  type ChangeType,
  EMERGENCY_GROUP,
  type RiskLevel,
} from './model.js';

/** The groups each approval stage waits for; an empty stage is skipped. */
export interface ApprovalPlan {
  readonly cab: readonly string[];
  readonly changeManager: readonly string[];
}

/**
 * Who must approve (docs/changes.md#lifecycle): standard changes are pre-approved; a normal change needs every group
 * in `approvalGroups` (any rejection rejects); an emergency change needs one approval from `ecab`.
 * High risk adds a final change-manager stage of its own (the change manager has the last word, as
 * in Freshservice), unless change managers already approve in the first stage.
 */
export function approvalPlan(
  type: ChangeType,
  risk: RiskLevel,
  approvalGroups: readonly string[],
): ApprovalPlan {
  const cab =
    type === 'normal' ? [...new Set(approvalGroups)] : type === 'emergency' ? [EMERGENCY_GROUP] : [];
  const changeManager = risk === 'high' && !cab.includes(CHANGE_MANAGER_GROUP) ? [CHANGE_MANAGER_GROUP] : [];
  return { cab, changeManager };
}

export function needsApproval(plan: ApprovalPlan): boolean {
  return plan.cab.length > 0 || plan.changeManager.length > 0;
}

/** Pending approvals of groups the caller is a member of (membership from the Group records). */
export function pendingApprovalsFor(
  approvals: readonly Approval[],
  groups: ReadonlyMap<string, Group>,
  caller: Caller,
): Approval[] {
  return approvals.filter(
    (approval) => approval.status === 'pending' && groups.get(approval.group)?.members.includes(caller.id),
  );
}

export function findApproval(
  approvals: readonly Approval[],
  stage: ApprovalStage,
  group: string,
): Approval | undefined {
  return approvals.find((approval) => approval.stage === stage && approval.group === group);
}
