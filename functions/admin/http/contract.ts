import { groupPage, groupSchema, putGroupBody } from '../../groups/http/schemas.js';
import type { RouteContract } from '../../shared/http/route-contract.js';
import { pageOnlyQuery } from '../../shared/http/schemas.js';
import {
  calendarList,
  calendarSchema,
  policyList,
  policySchema,
  putCalendarBody,
  putPolicyBody,
} from '../../sla/http/schemas.js';

/** Groups, calendars and SLA policies (the admin function). */
export const ADMIN_CONTRACT = {
  'GET /groups': {
    summary: 'List groups',
    query: pageOnlyQuery,
    success: { status: 200, schema: groupPage },
  },
  'GET /groups/{id}': {
    summary: 'Read a group',
    success: { status: 200, schema: groupSchema, headers: ['ETag'] },
    errors: [404],
  },
  'PUT /groups/{id}': {
    creates: true,
    summary: 'Create or replace a group (201 when created)',
    body: putGroupBody,
    success: { status: 200, schema: groupSchema, headers: ['ETag'] },
    errors: [412, 503],
  },
  'GET /calendars': {
    summary: 'List business-hours calendars',
    success: { status: 200, schema: calendarList },
  },
  'GET /calendars/{id}': {
    summary: 'Read a calendar',
    success: { status: 200, schema: calendarSchema, headers: ['ETag'] },
    errors: [404],
  },
  'PUT /calendars/{id}': {
    creates: true,
    summary: 'Create or replace a calendar (201 when created; 24x7 is read-only)',
    body: putCalendarBody,
    success: { status: 200, schema: calendarSchema, headers: ['ETag'] },
    errors: [409, 412, 503],
  },
  'GET /sla-policies': {
    summary: 'List SLA policies by order',
    success: { status: 200, schema: policyList },
  },
  'GET /sla-policies/{id}': {
    summary: 'Read an SLA policy',
    success: { status: 200, schema: policySchema, headers: ['ETag'] },
    errors: [404],
  },
  'PUT /sla-policies/{id}': {
    creates: true,
    summary: 'Create or replace an SLA policy (201 when created)',
    body: putPolicyBody,
    success: { status: 200, schema: policySchema, headers: ['ETag'] },
    errors: [412, 503],
  },
} as const satisfies Record<string, RouteContract>;
