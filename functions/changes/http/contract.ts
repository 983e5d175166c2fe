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
    body: createChangeBody,
    success: { status: 201, schema: changeSchema, headers: ['Location', 'ETag'] },
    errors: [409, 422, 503],
  },
  'GET /changes': {
    summary: 'List changes, newest first (requesters see only those raised for them)',
    query: listChangesQuery,
    success: { status: 200, schema: changePage },
  },
  'GET /changes/{id}': {
    summary: 'Read a change with its risk, conflicts and approvals',
    success: { status: 200, schema: changeSchema, headers: ['ETag'] },
    errors: [404],
  },
  'GET /changes/{id}/history': {
    summary: 'Every step of the change, oldest first, with who and when',
    query: pageOnlyQuery,
    success: { status: 200, schema: changeHistoryPage },
    errors: [404],
  },
  'POST /changes/{id}/submit': {
    summary: 'Start the workflow of a draft whose start failed',
    success: { status: 200, schema: changeSchema },
    errors: [404, 409, 503],
  },
  'POST /changes/{id}/approvals': {
    summary: 'Approve or reject for a group you belong to whose approval is pending',
    body: decideApprovalBody,
    success: { status: 200, schema: changeSchema },
    errors: [404, 409, 422, 503],
  },
  'POST /changes/{id}/implementation': {
    summary: 'Report the implementation outcome of an implementing change',
    body: reportImplementationBody,
    success: { status: 200, schema: changeSchema },
    errors: [404, 409, 422, 503],
  },
  'POST /changes/{id}/review': {
    summary: 'Record the post-implementation review; the workflow then closes the change',
    body: reviewChangeBody,
    success: { status: 200, schema: changeSchema },
    errors: [404, 409, 422, 503],
  },
  'POST /changes/{id}/cancel': {
    summary: 'Cancel a change that has not started implementing',
    body: cancelChangeBody,
    success: { status: 200, schema: changeSchema },
    errors: [404, 409, 422, 503],
  },
  'GET /freeze-windows': {
    summary: 'List freeze windows by start',
    query: pageOnlyQuery,
    success: { status: 200, schema: freezeWindowPage },
  },
  'GET /freeze-windows/{id}': {
    summary: 'Read a freeze window',
    success: { status: 200, schema: freezeWindowSchema, headers: ['ETag'] },
    errors: [404],
  },
  'PUT /freeze-windows/{id}': {
    creates: true,
    summary: 'Create or replace a freeze window (201 when created)',
    body: putFreezeWindowBody,
    success: { status: 200, schema: freezeWindowSchema, headers: ['ETag'] },
    errors: [412, 503],
  },
} as const satisfies Record<string, RouteContract>;
