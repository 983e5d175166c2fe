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
import { listMailOutcomesQuery, mailOutcomePage } from './schemas.js';

/** Groups, calendars and SLA policies (the admin function). */
export const ADMIN_CONTRACT = {
  'GET /groups': {
    summary: 'List groups',
    description: 'Assignment and approval groups. Agents, approvers and admins; requesters get 403.',
    query: pageOnlyQuery,
    success: { status: 200, schema: groupPage },
  },
  'GET /groups/{id}': {
    summary: 'Read a group',
    description:
      'A group with its members. Agents, approvers and admins; requesters get 403 for every id alike.',
    success: { status: 200, schema: groupSchema, headers: ['ETag'] },
    errors: [404],
  },
  'PUT /groups/{id}': {
    creates: true,
    summary: 'Create or replace a group (201 when created)',
    description: 'Creates the group (201 with `Location`) or replaces it (200). Admins only.',
    body: putGroupBody,
    success: { status: 200, schema: groupSchema, headers: ['ETag'] },
    errors: [412, 503],
  },
  'GET /calendars': {
    summary: 'List business-hours calendars',
    description:
      'Every business-hours calendar, the seeded `24x7` and `business-hours` included. Agents, approvers and admins.',
    success: { status: 200, schema: calendarList },
  },
  'GET /calendars/{id}': {
    summary: 'Read a calendar',
    description:
      'A calendar: its IANA time zone, working ranges per weekday and holidays. Agents, approvers and admins.',
    success: { status: 200, schema: calendarSchema, headers: ['ETag'] },
    errors: [404],
  },
  'PUT /calendars/{id}': {
    creates: true,
    summary: 'Create or replace a calendar (201 when created; 24x7 is read-only)',
    description:
      'Creates the calendar (201 with `Location`) or replaces it (200). Admins only. Ranges are local wall-clock times in `timezone`, several a day, `"24:00"` ending one at midnight; malformed, inverted or overlapping ranges, unknown time zones and impossible dates are 400. The built-in `24x7` calendar is read-only (409 `calendar_read_only`).',
    body: putCalendarBody,
    success: { status: 200, schema: calendarSchema, headers: ['ETag'] },
    errors: [409, 412, 503],
  },
  'GET /sla-policies': {
    summary: 'List SLA policies by order',
    description:
      'Every SLA policy by `order`; the first that matches a ticket applies. Agents, approvers and admins.',
    success: { status: 200, schema: policyList },
  },
  'GET /sla-policies/{id}': {
    summary: 'Read an SLA policy',
    description:
      'An SLA policy: what it matches, its calendar and targets in business minutes. Agents, approvers and admins.',
    success: { status: 200, schema: policySchema, headers: ['ETag'] },
    errors: [404],
  },
  'PUT /sla-policies/{id}': {
    creates: true,
    summary: 'Create or replace an SLA policy (201 when created)',
    description: 'Creates the policy (201 with `Location`) or replaces it (200). Admins only.',
    body: putPolicyBody,
    success: { status: 200, schema: policySchema, headers: ['ETag'] },
    errors: [412, 503],
  },
  'GET /mail-outcomes': {
    summary: 'List what became of mail that opened no ticket',
    description:
      'Mail refused as too large, quarantined (spam or virus verdict, unparseable), dropped (machine mail, our own mail coming back, a denied sender) or delivered again (a duplicate Message-ID), newest first, kept 90 days. Filter by `outcome` and `sender`. Admins only.',
    query: listMailOutcomesQuery,
    success: { status: 200, schema: mailOutcomePage },
  },
} as const satisfies Record<string, RouteContract>;
