import type { RouteContract } from '../../shared/http/route-contract.js';
import { pageOnlyQuery } from '../../shared/http/schemas.js';
import {
  cancelChangeBody,
  changeHistoryPage,
  changePage,
  changeSchema,
  createChangeBody,
  decideApprovalBody,
  freezeWindowPage,
  freezeWindowSchema,
  listChangesQuery,
  putFreezeWindowBody,
  reportImplementationBody,
  reviewChangeBody,
} from './schemas.js';

/** Changes and freeze windows (the changes function). */
export const CHANGES_CONTRACT = {
  'POST /changes': {
    summary: 'Submit a change: saved, then assessed and approved by its Step Functions workflow',
    description:
      'Agents and admins. Saves the change as a `draft` and starts its Step Functions workflow, which assesses risk and conflicts and asks for the approvals (normal: every group in `approvalGroups`; emergency: `ecab`; standard: none). Answers the change as saved; its status moves on within moments. If the workflow could not start the draft is kept and the answer is 503 `workflow_not_started`: POST /changes/{id}/submit retries. Each CI id must be in the CMDB and not retired (422 `unknown_ci` / `retired_ci` at `ciIds.<i>`); with strict CI ids off, unknown ones are accepted and listed in `unknownCiIds`.',
    body: createChangeBody,
    success: { status: 201, schema: changeSchema, headers: ['Location', 'ETag'] },
    errors: [409, 422, 503],
  },
  'GET /changes': {
    summary: 'List changes, newest first (requesters see only those raised for them)',
    description:
      'Changes newest first, filtered by any combination of the query parameters. Everyone with a role; requesters get only the changes raised for them.',
    query: listChangesQuery,
    success: { status: 200, schema: changePage },
  },
  'GET /changes/{id}': {
    summary: 'Read a change with its risk, conflicts and approvals',
    description:
      'The change with its risk, conflicts and approvals. Agents, approvers, admins and its requester; anyone else gets 404, exactly as for a change that does not exist.',
    success: { status: 200, schema: changeSchema, headers: ['ETag'] },
    errors: [404],
  },
  'GET /changes/{id}/history': {
    summary: 'Every step of the change, oldest first, with who and when',
    description:
      'Every step of the change, oldest first, with who and when. Agents, approvers and admins; its requester gets 403.',
    query: pageOnlyQuery,
    success: { status: 200, schema: changeHistoryPage },
    errors: [404],
  },
  'POST /changes/{id}/submit': {
    summary: 'Start the workflow of a draft whose start failed',
    description:
      'Agents and admins. Restarts the workflow of a `draft` whose start failed (POST /changes answered 503); a change past `draft` is 409 `already_submitted`.',
    success: { status: 200, schema: changeSchema },
    errors: [404, 409, 503],
  },
  'POST /changes/{id}/approvals': {
    summary: 'Approve or reject for a group you belong to whose approval is pending',
    description:
      'An approver who sits in a group whose approval of the change is pending approves or rejects for that group (`group` is needed only when several such groups are pending). Any rejection rejects the change. A decision the workflow no longer waits for is 409 (`approval_not_pending`, `approval_already_decided`, `task_token_gone`, `workflow_between_steps`).',
    body: decideApprovalBody,
    success: { status: 200, schema: changeSchema },
    errors: [404, 409, 422, 503],
  },
  'POST /changes/{id}/implementation': {
    summary: 'Report the implementation outcome of an implementing change',
    description:
      'Agents and admins, while the change is `implementing`. `successful` and `partially_successful` move it to `review`, `failed` to `failed`; notes are required unless successful.',
    body: reportImplementationBody,
    success: { status: 200, schema: changeSchema },
    errors: [404, 409, 422, 503],
  },
  'POST /changes/{id}/review': {
    summary: 'Record the post-implementation review; the workflow then closes the change',
    description: 'Agents and admins, while the change is in `review`. The workflow then closes the change.',
    body: reviewChangeBody,
    success: { status: 200, schema: changeSchema },
    errors: [404, 409, 422, 503],
  },
  'POST /changes/{id}/cancel': {
    summary: 'Cancel a change that has not started implementing',
    description:
      'Agents and admins. Cancels a change that has not started implementing; later it is 409 naming the allowed moves.',
    body: cancelChangeBody,
    success: { status: 200, schema: changeSchema },
    errors: [404, 409, 422, 503],
  },
  'GET /freeze-windows': {
    summary: 'List freeze windows by start',
    description: 'Freeze windows by start. Agents, approvers and admins.',
    query: pageOnlyQuery,
    success: { status: 200, schema: freezeWindowPage },
  },
  'GET /freeze-windows/{id}': {
    summary: 'Read a freeze window',
    description: 'A freeze window. Agents, approvers and admins.',
    success: { status: 200, schema: freezeWindowSchema, headers: ['ETag'] },
    errors: [404],
  },
  'PUT /freeze-windows/{id}': {
    creates: true,
    summary: 'Create or replace a freeze window (201 when created)',
    description:
      'Creates the window (201 with `Location`) or replaces it (200). Admins only. Normal and standard changes whose window meets it are rejected at assessment; emergency changes pass, recorded as a non-blocking conflict. It freezes the CIs in `ciIds` and, for each service in `serviceIds`, the service and every CI of its closure; naming neither freezes every CI.',
    body: putFreezeWindowBody,
    success: { status: 200, schema: freezeWindowSchema, headers: ['ETag'] },
    errors: [412, 503],
  },
} as const satisfies Record<string, RouteContract>;
