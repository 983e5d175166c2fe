import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES, routeKey } from '../../functions/shared/http/routes.js';
import { ensureCis } from '../support/cmdb.js';
import type { ApiResponse } from '../support/runtime.js';
import { type ChangeStack, DAY, HOUR, normalChange, startChangeStack } from './changes-support.js';

/**
 * The route × role authorization matrix (docs/api.md "Authentication and roles", docs/changes.md
 * "API", docs/sla.md), over HTTP with well-formed requests, so each status is the authorization
 * answer: 401 without a token, 404 for a record the caller may not see, 403 for an action the role
 * may never do (or on a record the caller sees but may not touch), 2xx for the right role. Every
 * route in ROUTES needs an entry in MATRIX: a new route without one fails the last test.
 */
type Who = 'anon' | 'rita' | 'olga' | 'agent' | 'approver' | 'admin';
type Staff = 'agent' | 'admin';
const CALLER_NAME: Record<Who, string> = {
  anon: 'no token',
  rita: 'requester rita',
  olga: 'requester olga',
  agent: 'agent ann',
  approver: 'approver cara',
  admin: 'admin',
};
const isStaff = (who: Who): who is Staff => who === 'agent' || who === 'admin';

/** Changes a staff write uses up: each writer acts on a fresh one in the right state. */
type Fresh = 'implementing' | 'inReview' | 'cancellable';
const FRESH_LABEL: Record<Fresh, string> = {
  implementing: 'an implementing change',
  inReview: 'a change in review',
  cancellable: 'a scheduled change',
};

interface Fixtures extends Record<Fresh, Record<Staff, string>> {
  s: ChangeStack;
  tokens: Record<Exclude<Who, 'anon'>, string>;
  /** Records requested by rita and by someone else (`other`). */
  ticket: { rita: string; other: string };
  change: { rita: string; other: string };
  calendarId: string;
  calendarBody: Record<string, unknown>;
  policyId: string;
  policyBody: Record<string, unknown>;
  /** Personal views of the admin, one per route that names one (DELETE uses its own up). */
  views: { get: string; put: string; del: string };
  /** A published, internal known error (requesters: 404). */
  knownError: string;
  /** A catalog request of rita's with one open task of the network group (agent ann is not in it). */
  catalogRequest: string;
  /** A resolved incident of rita's she rated through the API, and its survey link's path. */
  csat: { ticket: string; link: string };
}

/** Expected status per caller; on record routes `rita` acts on her own record, `ritaOther` on other's. */
interface Expect {
  /** No token; default 200 on a route outside the authorizer, else 401. */
  anon?: number;
  rita: number;
  ritaOther?: number;
  olga: number;
  agent: number;
  approver: number;
  admin: number;
}

interface Spec {
  /** What `{id}` names on record routes; they get rows for rita's own and for other's record. */
  scope?: 'ticket' | 'change';
  fresh?: Fresh;
  expect: Expect;
  /** `{id}` of a configuration route. */
  id?: (fx: Fixtures) => string;
  /** `{id}` per caller, where each writer needs a record of its own (PUT /cis/{id} creating). */
  idFor?: (who: Who) => string;
  /** The whole path per caller, for routes with more parameters than `{id}`. */
  pathFor?: (who: Who, fx: Fixtures) => string;
  query?: (fx: Fixtures) => string;
  body?: (fx: Fixtures, who: Who, id: string) => unknown;
  check?: (res: ApiResponse, fx: Fixtures, who: Who) => void;
}

const ALL: Expect = { rita: 200, olga: 200, agent: 200, approver: 200, admin: 200 };
/** Configuration and reports: agent read rights (agents, approvers, admins); requesters 403. */
const CONFIG_READ: Expect = { ...ALL, rita: 403, olga: 403 };
/** Configuration writes: admins only; a PUT of a new id creates it. */
const ADMIN_PUT: Expect = { rita: 403, olga: 403, agent: 403, approver: 403, admin: 201 };
/** Record reads: its requester and everyone with agent read rights; anyone else 404. */
const RECORD_READ: Expect = { ...ALL, ritaOther: 404, olga: 404 };
/** History: agent read rights only; the requester sees the record but may not read it (403). */
const HISTORY_READ: Expect = { ...RECORD_READ, rita: 403 };
/** Requester or staff write on a ticket; an approver sees it but may not (403). */
const TICKET_WRITE: Expect = { rita: 201, ritaOther: 404, olga: 404, agent: 201, approver: 403, admin: 201 };
/** Role-only routes (`authorize`): 403 before the record is read, the same for every id. */
const STAFF_ONLY: Expect = { rita: 403, ritaOther: 403, olga: 403, agent: 200, approver: 403, admin: 200 };

/** Requesters list only their own records; staff and approvers see other's too. */
const onlyOwn = (kind: 'ticket' | 'change') => (res: ApiResponse, fx: Fixtures, who: Who) => {
  const items: { id: string; requester: { id: string } }[] = res.json.items;
  if (who === 'rita' || who === 'olga') expect(items.filter((i) => i.requester.id !== who)).toEqual([]);
  else expect(items.map((i) => i.id)).toContain(fx[kind].other);
};

const MATRIX: Record<string, Spec> = {
  'GET /health': { expect: ALL },
  'GET /openapi.json': { expect: ALL },
  // Everyone with a role files a ticket for themself; staff may file on someone's behalf.
  'POST /tickets': {
    expect: { rita: 201, olga: 201, agent: 201, approver: 201, admin: 201 },
    body: (_fx, who) => ({
      type: 'incident',
      title: 'VPN drops every hour',
      ...(isStaff(who) ? { requester: { id: 'other' } } : {}),
    }),
  },
  'GET /tickets': { expect: ALL, query: () => '?limit=100', check: onlyOwn('ticket') },
  'GET /tickets/{id}': { scope: 'ticket', expect: RECORD_READ },
  // Queue counts: agent read rights; requesters 403.
  'GET /tickets/counts': { expect: CONFIG_READ, query: () => '?by=status' },
  // Saved views: agents and admins; a personal view is its owner's (others with the role: 404).
  'GET /views': { expect: { ...STAFF_ONLY } },
  'POST /views': {
    expect: { ...STAFF_ONLY, agent: 201, admin: 201 },
    body: () => ({ name: 'Matrix queue', query: { status: 'new', sort: 'sla' } }),
  },
  'GET /views/{id}': { expect: { ...STAFF_ONLY, agent: 404 }, id: (fx) => fx.views.get },
  'PUT /views/{id}': {
    expect: { ...STAFF_ONLY, agent: 404 },
    id: (fx) => fx.views.put,
    body: () => ({ name: 'Matrix queue, renamed', query: { assignee: 'none' } }),
  },
  'DELETE /views/{id}': { expect: { ...STAFF_ONLY, agent: 404, admin: 204 }, id: (fx) => fx.views.del },
  // A requester edits title/description while `new`; an approver may see but not edit.
  'PATCH /tickets/{id}': {
    scope: 'ticket',
    expect: { ...RECORD_READ, approver: 403 },
    body: (_fx, who) => (isStaff(who) ? { impact: 2 } : { title: 'Printer on floor 3 jammed again' }),
  },
  'POST /tickets/{id}/comments': {
    scope: 'ticket',
    expect: TICKET_WRITE,
    body: () => ({ body: 'Any news on this?' }),
  },
  'GET /tickets/{id}/comments': { scope: 'ticket', expect: RECORD_READ },
  'GET /tickets/{id}/history': { scope: 'ticket', expect: HISTORY_READ },
  // Agents and admins only, decided before the ticket is read (docs/api.md "Order of the answers").
  'POST /tickets/{id}/links': {
    scope: 'ticket',
    expect: { ...STAFF_ONLY, agent: 201, admin: 201 },
    body: (fx, who, id) =>
      who === 'admin'
        ? { type: 'affects', targetId: 'ci-authz-matrix' }
        : { type: 'relates_to', targetId: id === fx.ticket.other ? fx.ticket.rita : fx.ticket.other },
  },
  // Whoever may comment may attach a file.
  'POST /tickets/{id}/attachments': {
    scope: 'ticket',
    expect: TICKET_WRITE,
    body: () => ({ filename: 'screenshot.png', contentType: 'image/png', size: 1024 }),
  },
  'GET /tickets/{id}/attachments': { scope: 'ticket', expect: RECORD_READ },
  'GET /groups': { expect: CONFIG_READ },
  'GET /groups/{id}': { expect: CONFIG_READ, id: () => 'network' },
  'PUT /groups/{id}': {
    expect: ADMIN_PUT,
    id: () => 'authz-matrix',
    body: () => ({ name: 'Authz matrix', members: ['ann'], email: 'authz@example.com' }),
  },
  'GET /calendars': { expect: CONFIG_READ },
  'GET /calendars/{id}': { expect: CONFIG_READ, id: (fx) => fx.calendarId },
  'PUT /calendars/{id}': { expect: ADMIN_PUT, id: () => 'authz-matrix', body: (fx) => fx.calendarBody },
  'GET /sla-policies': { expect: CONFIG_READ },
  'GET /sla-policies/{id}': { expect: CONFIG_READ, id: (fx) => fx.policyId },
  'PUT /sla-policies/{id}': { expect: ADMIN_PUT, id: () => 'authz-matrix', body: (fx) => fx.policyBody },
  // Mail records name senders and subjects: admins only, decided before anything is read.
  'GET /mail-outcomes': {
    expect: { rita: 403, olga: 403, agent: 403, approver: 403, admin: 200 },
    query: () => '?outcome=dropped&limit=5',
  },
  'GET /reports/sla': {
    expect: CONFIG_READ,
    query: (fx) => `?${new URLSearchParams({ from: fx.s.at(-DAY), to: fx.s.at(DAY) })}`,
  },
  'POST /changes': {
    expect: { ...STAFF_ONLY, agent: 201, admin: 201 },
    body: (fx) => normalChange(fx.s, { requester: { id: 'rita' }, ciIds: ['authz-ci'] }),
  },
  'GET /changes': { expect: ALL, query: () => '?limit=100', check: onlyOwn('change') },
  'GET /changes/{id}': { scope: 'change', expect: RECORD_READ },
  'GET /changes/{id}/history': { scope: 'change', expect: HISTORY_READ },
  // Agents and admins pass authorization but the change is past `draft`: 409. (Only a change whose
  // workflow failed to start is a draft to resubmit, and making one takes a fault, not a request.)
  'POST /changes/{id}/submit': { scope: 'change', expect: { ...STAFF_ONLY, agent: 409, admin: 409 } },
  // Approvers only (cara sits in `network`, pending on rita's change): agent or admin rights carry
  // no CAB vote.
  'POST /changes/{id}/approvals': {
    scope: 'change',
    expect: { rita: 403, ritaOther: 403, olga: 403, agent: 403, approver: 200, admin: 403 },
    body: () => ({ decision: 'approve' }),
  },
  'POST /changes/{id}/implementation': {
    scope: 'change',
    fresh: 'implementing',
    expect: STAFF_ONLY,
    body: () => ({ outcome: 'successful' }),
  },
  'POST /changes/{id}/review': {
    scope: 'change',
    fresh: 'inReview',
    expect: STAFF_ONLY,
    body: () => ({ notes: 'no incidents' }),
  },
  'POST /changes/{id}/cancel': {
    scope: 'change',
    fresh: 'cancellable',
    expect: STAFF_ONLY,
    body: () => ({ reason: 'no longer needed' }),
  },
  'GET /freeze-windows': { expect: CONFIG_READ },
  'GET /freeze-windows/{id}': { expect: CONFIG_READ, id: () => 'authz-fixture' },
  'PUT /freeze-windows/{id}': {
    expect: ADMIN_PUT,
    id: () => 'authz-matrix',
    body: (fx) => ({ name: 'Year-end', start: fx.s.at(100 * DAY), end: fx.s.at(101 * DAY), ciIds: ['ci-x'] }),
  },
  // The CMDB is staff knowledge: agent read rights read it, agents and admins write CIs and
  // relationships, admins write classes and services; requesters only read live services.
  'GET /cis': { expect: CONFIG_READ },
  'GET /cis/{id}': { expect: CONFIG_READ, id: () => 'authz-ci' },
  'PUT /cis/{id}': {
    expect: { rita: 403, olga: 403, agent: 201, approver: 403, admin: 201 },
    idFor: (who) => `authz-put-${who}`,
    body: () => ({ class: 'server', name: 'Matrix server' }),
  },
  'GET /cis/{id}/history': { expect: CONFIG_READ, id: () => 'authz-ci' },
  'GET /cis/{id}/relationships': { expect: CONFIG_READ, id: () => 'authz-ci' },
  'POST /cis/{id}/relationships': {
    expect: { rita: 403, olga: 403, agent: 201, approver: 403, admin: 201 },
    id: () => 'authz-ci',
    body: (_fx, who) => ({
      type: 'depends_on',
      target: who === 'admin' ? 'authz-db-admin' : 'authz-db-agent',
    }),
  },
  'DELETE /cis/{id}/relationships/{type}/{target}': {
    expect: { rita: 403, olga: 403, agent: 204, approver: 403, admin: 204 },
    pathFor: (who) =>
      `/cis/authz-ci/relationships/runs_on/${who === 'admin' ? 'authz-host-admin' : 'authz-host-agent'}`,
  },
  'GET /cis/{id}/impact': { expect: CONFIG_READ, id: () => 'authz-ci' },
  'POST /impact-analysis': { expect: CONFIG_READ, body: () => ({ down: ['authz-ci'] }) },
  'GET /ci-relationship-types': { expect: CONFIG_READ },
  'GET /ci-classes': { expect: CONFIG_READ },
  'PUT /ci-classes/{id}': {
    expect: ADMIN_PUT,
    id: () => 'authz_matrix',
    body: () => ({ name: 'Matrix class' }),
  },
  'GET /services': { expect: ALL },
  'GET /services/{id}': { expect: ALL, id: () => 'authz-svc' },
  'PUT /services/{id}': {
    expect: ADMIN_PUT,
    id: () => 'authz-matrix-svc',
    body: () => ({ class: 'technical_service', name: 'Matrix', owner: 'ann', supportGroup: 'network' }),
  },
  'POST /services/{id}/dependencies': {
    expect: { rita: 403, olga: 403, agent: 200, approver: 403, admin: 200 },
    id: () => 'authz-svc',
    body: () => ({ ciIds: ['authz-ci'] }),
  },
  // A report the CMDB serves (docs/reports.md#disaster-recovery-posture): agent read rights.
  'GET /reports/dr-posture': {
    expect: CONFIG_READ,
    query: () => '?limit=5',
    check: (res) => expect(res.json).toHaveProperty('counts'),
  },
  // Monitoring integrations are admin configuration; intake takes integration credentials, never
  // a JWT: every caller's token is a wrong secret there (401, as for no credentials at all).
  'GET /integrations': { expect: { rita: 403, olga: 403, agent: 403, approver: 403, admin: 200 } },
  'GET /integrations/{id}': {
    expect: { rita: 403, olga: 403, agent: 403, approver: 403, admin: 200 },
    id: () => 'authz-int',
  },
  'PUT /integrations/{id}': {
    expect: ADMIN_PUT,
    id: () => 'authz-matrix-int',
    body: () => ({ name: 'Matrix monitoring', kind: 'alertmanager', auth: { mode: 'bearer' } }),
  },
  'POST /integrations/{id}/secret': {
    expect: { rita: 403, olga: 403, agent: 403, approver: 403, admin: 201 },
    id: () => 'authz-int',
  },
  'POST /alerts/{integrationId}': {
    expect: { anon: 401, rita: 401, olga: 401, agent: 401, approver: 401, admin: 401 },
    pathFor: () => '/alerts/authz-int',
    body: () => ({ version: '4', alerts: [] }),
  },
  'POST /alerts/v2/enqueue': {
    expect: { anon: 401, rita: 401, olga: 401, agent: 401, approver: 401, admin: 401 },
    body: () => ({
      routing_key: 'not-a-key',
      event_action: 'trigger',
      payload: { summary: 'x', source: 'y' },
    }),
  },
  // Known errors (docs/problems.md#who-may-do-what): agents and admins write and apply; agent read
  // rights read all; requesters list and read published public ones only (this one is internal: 404).
  'POST /known-errors': {
    expect: { rita: 403, olga: 403, agent: 201, approver: 403, admin: 201 },
    body: () => ({ title: 'Matrix', workaround: 'Reboot' }),
  },
  'GET /known-errors': { expect: ALL },
  'GET /known-errors/{id}': {
    expect: { rita: 404, olga: 404, agent: 200, approver: 200, admin: 200 },
    id: (fx) => fx.knownError,
  },
  'PATCH /known-errors/{id}': {
    expect: { rita: 403, olga: 403, agent: 200, approver: 403, admin: 200 },
    id: (fx) => fx.knownError,
    body: (_fx, who) => ({ title: `Matrix known error (${who})` }),
  },
  'GET /tickets/{id}/known-errors': { scope: 'ticket', expect: STAFF_ONLY },
  // The service catalog (docs/catalog.md#who-may-do-what): everyone reads and requests published
  // items of their audience; admins write items; approvers decide; a task's group (or an admin) works it.
  'GET /catalog/items': { expect: ALL },
  'GET /catalog/items/{id}': { expect: ALL, id: () => 'authz-item' },
  'PUT /catalog/items/{id}': {
    expect: ADMIN_PUT,
    id: () => 'authz-matrix-item',
    body: () => ({ name: 'Matrix item', serviceId: 'authz-svc', formSchema: { type: 'object' } }),
  },
  'POST /catalog/items/{id}/requests': {
    expect: { rita: 201, olga: 201, agent: 201, approver: 201, admin: 201 },
    id: () => 'authz-item',
    body: () => ({ form: { need: 'a mouse' } }),
  },
  'POST /tickets/{id}/approvals': {
    // Role first (approvers, admins); then the request must await an approval of theirs (409 here).
    expect: { rita: 403, olga: 403, agent: 403, approver: 409, admin: 409 },
    pathFor: (_who, fx) => `/tickets/${fx.catalogRequest}/approvals`,
    body: () => ({ decision: 'approve' }),
  },
  'GET /tickets/{id}/tasks': { scope: 'ticket', expect: RECORD_READ },
  'PATCH /tickets/{id}/tasks/{stepId}': {
    expect: { rita: 403, olga: 404, agent: 403, approver: 403, admin: 200 },
    pathFor: (_who, fx) => `/tickets/${fx.catalogRequest}/tasks/fulfil`,
    body: (_fx, who) => ({ notes: `matrix ${who}` }),
  },
  'POST /tickets/{id}/known-errors/{keId}/apply': {
    expect: { rita: 403, olga: 403, agent: 200, approver: 403, admin: 200 },
    pathFor: (_who, fx) => `/tickets/${fx.ticket.other}/known-errors/${fx.knownError}/apply`,
    body: () => ({ visibility: 'internal' }),
  },
  // CSAT (docs/csat.md#who-may-do-what): settings are admin configuration; a survey link's token is
  // its credential (a JWT changes nothing: rita's survey reads for everyone and is answered
  // already, 409); only a ticket's requester rates it (rita's own open ticket: 409 not_resolved),
  // everyone else gets 404; its answer reads for the requester and agent read rights.
  'GET /settings/csat': { expect: { rita: 403, olga: 403, agent: 403, approver: 403, admin: 200 } },
  'PUT /settings/csat': {
    expect: { rita: 403, olga: 403, agent: 403, approver: 403, admin: 200 },
    body: () => ({
      enabled: true,
      types: ['incident', 'service_request'],
      sampleRate: 100,
      delayMinutes: 0,
      validDays: 14,
      commentRequiredAtOrBelow: null,
      question: 'How satisfied are you with how we handled this?',
    }),
  },
  'GET /surveys/{token}': { expect: ALL, pathFor: (_who, fx) => fx.csat.link },
  'POST /surveys/{token}': {
    expect: { anon: 409, rita: 409, olga: 409, agent: 409, approver: 409, admin: 409 },
    pathFor: (_who, fx) => fx.csat.link,
    body: () => ({ rating: 5 }),
  },
  'POST /tickets/{id}/feedback': {
    scope: 'ticket',
    expect: { rita: 409, ritaOther: 404, olga: 404, agent: 404, approver: 404, admin: 404 },
    body: () => ({ rating: 5 }),
  },
  'GET /tickets/{id}/feedback': {
    expect: { rita: 200, olga: 404, agent: 200, approver: 200, admin: 200 },
    pathFor: (_who, fx) => `/tickets/${fx.csat.ticket}/feedback`,
  },
  // Continual-improvement reports (docs/reports.md): agent read rights read; admins rebuild.
  'GET /reports/incidents': {
    expect: CONFIG_READ,
    query: () => '?from=2026-01-01&to=2026-02-01&groupBy=group',
  },
  'GET /reports/changes': { expect: CONFIG_READ, query: () => '?from=2026-01-01&to=2026-02-01&groupBy=risk' },
  'GET /reports/csat': { expect: CONFIG_READ, query: () => '?from=2026-01-01&to=2026-02-01&interval=week' },
  'GET /reports/backlog': { expect: CONFIG_READ, query: () => '?type=service_request&groupBy=priority' },
  'GET /reports/availability': {
    expect: CONFIG_READ,
    query: () => '?serviceId=authz-svc&from=2026-01-01&to=2026-02-01',
  },
  'POST /reports/rebuild': {
    expect: { rita: 403, olga: 403, agent: 403, approver: 403, admin: 202 },
    body: () => ({ from: '2026-01-01', to: '2026-01-02' }),
  },
};

interface Row {
  name: string;
  key: string;
  who: Who;
  record?: 'rita' | 'other';
  status: number;
}

function rowsOf(key: string, spec: Spec): Row[] {
  const publicRoute = ROUTES.some((route) => routeKey(route) === key && !route.authenticated);
  const row = (who: Who, status: number, record?: 'rita' | 'other'): Row => {
    let label = '';
    if (spec.fresh && isStaff(who)) label = FRESH_LABEL[spec.fresh];
    else if (spec.scope && record === 'other') label = `other's ${spec.scope}`;
    else if (spec.scope) label = who === 'rita' ? `own ${spec.scope}` : `rita's ${spec.scope}`;
    const name = `${CALLER_NAME[who]}: ${key}${label ? ` (${label})` : ''} → ${status}`;
    return { name, key, who, record: spec.scope ? record : undefined, status };
  };
  const e = spec.expect;
  return [
    row('anon', e.anon ?? (publicRoute ? 200 : 401), 'rita'),
    row('rita', e.rita, 'rita'),
    ...(spec.scope ? [row('rita', e.ritaOther ?? e.rita, 'other')] : []),
    row('olga', e.olga, 'rita'),
    row('agent', e.agent, 'rita'),
    row('approver', e.approver, 'rita'),
    row('admin', e.admin, 'rita'),
  ];
}

const ROWS = Object.entries(MATRIX).flatMap(([key, spec]) => rowsOf(key, spec));

describe('authorization matrix: every route × caller', () => {
  let fx: Fixtures;

  beforeAll(async () => {
    const s = await startChangeStack();
    const { rt, http } = s;
    const ok = (res: ApiResponse, what: string) => {
      expect(res.status, `${what}: ${res.text}`).toBeLessThan(300);
      return res.json;
    };
    const ticket = async (token: string) => {
      const body = { type: 'incident', title: 'No email since this morning' };
      return ok(await http.request('POST', '/tickets', { token, body }), 'ticket').id as string;
    };
    const change = async (overrides: Record<string, unknown>, status: string) => {
      const { id } = ok(await s.submit(normalChange(s, overrides)), 'change');
      await s.waitForStatus(id, status);
      return id as string;
    };
    const standard = { type: 'standard', approvalGroups: undefined };
    // A standard change whose window has begun goes straight to implementing.
    const started = () =>
      change({ ...standard, plannedStart: s.at(-5), plannedEnd: s.at(2 * HOUR) }, 'implementing');
    const inReview = async () => {
      const id = await started();
      const body = { outcome: 'successful' };
      ok(await http.request('POST', `/changes/${id}/implementation`, { body }), 'implementation');
      await s.waitForStatus(id, 'review');
      return id;
    };
    const [ritaTicket, otherTicket, ritaChange, otherChange, ...fresh] = await Promise.all([
      ticket(s.tokens.requester),
      ticket(rt.tokenFor('other', ['requester'])),
      change({ requester: { id: 'rita' } }, 'pending_approval'),
      change({ requester: { id: 'other' } }, 'pending_approval'),
      started(),
      started(),
      inReview(),
      inReview(),
      change(standard, 'scheduled'),
      change(standard, 'scheduled'),
    ]);
    await s.waitFor(
      ritaChange,
      (c) =>
        c.approvals.some(
          (a: { group: string; status: string }) => a.group === 'network' && a.status === 'pending',
        ),
      'a pending network approval',
    );

    const admin = { token: rt.adminToken };
    const calendars = ok(await http.request('GET', '/calendars', admin), 'calendars').items;
    const calendar = calendars.find((c: { id: string }) => c.id === 'business-hours') ?? calendars[0];
    const { id: calendarId, version: _cv, updatedAt: _cu, ...calendarBody } = calendar;
    const policies = ok(await http.request('GET', '/sla-policies', admin), 'policies').items;
    const { id: policyId, version: _pv, updatedAt: _pu, ...policyBody } = policies[0];
    const freeze = {
      name: 'Audit freeze',
      start: s.at(120 * DAY),
      end: s.at(121 * DAY),
      ciIds: ['ci-audit'],
    };
    ok(
      await http.request('PUT', '/freeze-windows/authz-fixture', { ...admin, body: freeze }),
      'freeze window',
    );
    await ensureCis(rt, [
      'ci-authz-matrix',
      'authz-ci',
      'authz-db-agent',
      'authz-db-admin',
      'authz-host-agent',
      'authz-host-admin',
    ]);
    for (const host of ['authz-host-agent', 'authz-host-admin']) {
      const body = { type: 'runs_on', target: host };
      ok(await http.request('POST', '/cis/authz-ci/relationships', { ...admin, body }), 'relationship');
    }
    const service = {
      class: 'business_service',
      name: 'Matrix service',
      owner: 'ann',
      supportGroup: 'network',
      portfolioStatus: 'live',
    };
    ok(await http.request('PUT', '/services/authz-svc', { ...admin, body: service }), 'service');
    const integration = { name: 'Matrix fixture', kind: 'alertmanager', auth: { mode: 'bearer' } };
    ok(await http.request('PUT', '/integrations/authz-int', { ...admin, body: integration }), 'integration');
    const knownErrorBody = { title: 'Matrix known error', workaround: 'Restart it', status: 'published' };
    const knownError = ok(
      await http.request('POST', '/known-errors', { ...admin, body: knownErrorBody }),
      'known error',
    ).id as string;
    const item = {
      name: 'Matrix catalog item',
      serviceId: 'authz-svc',
      status: 'published',
      formSchema: { type: 'object', properties: { need: { type: 'string' } } },
      fulfilment: { steps: [{ id: 'fulfil', name: 'Fulfil', groupId: 'network' }] },
    };
    ok(await http.request('PUT', '/catalog/items/authz-item', { ...admin, body: item }), 'catalog item');
    const catalogRequest = ok(
      await http.request('POST', '/catalog/items/authz-item/requests', {
        ...admin,
        body: { form: { need: 'a keyboard' }, requestedFor: { id: 'rita' } },
      }),
      'catalog request',
    ).id as string;
    const view = async () =>
      ok(
        await http.request('POST', '/views', {
          ...admin,
          body: { name: 'Admin queue', query: { status: 'new' } },
        }),
        'view',
      ).id as string;
    const [viewGet, viewPut, viewDel] = [await view(), await view(), await view()];
    // CSAT: rita's resolved incident, its survey mailed (the link from the local outbox), rated by her.
    const csatTicket = ok(
      await http.request('POST', '/tickets', {
        ...admin,
        body: {
          type: 'incident',
          title: 'Matrix survey',
          requester: { id: 'rita', email: 'rita@example.com' },
        },
      }),
      'csat ticket',
    ).id as string;
    const resolution = { status: 'resolved', resolution: { code: 'fixed', notes: 'done' } };
    ok(await http.request('PATCH', `/tickets/${csatTicket}`, { ...admin, body: resolution }), 'resolve');
    let csatLink: string | undefined;
    for (let tries = 0; tries < 100 && !csatLink; tries++) {
      await rt.flushEvents();
      const mails: { subject: string; text: string }[] = ok(
        await http.request('GET', '/_local/outbox', admin),
        'outbox',
      ).items;
      const mail = mails.find((m) => m.subject.startsWith(`[${csatTicket}] How did we do?`));
      csatLink = mail && /\/surveys\/[A-Za-z0-9_-]{43}/.exec(mail.text)?.[0];
      if (!csatLink) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(csatLink, 'survey link').toBeDefined();
    ok(
      await http.request('POST', `/tickets/${csatTicket}/feedback`, {
        token: s.tokens.requester,
        body: { rating: 4 },
      }),
      'feedback',
    );

    fx = {
      s,
      tokens: {
        rita: s.tokens.requester,
        olga: rt.tokenFor('olga', ['requester']),
        agent: s.tokens.agent,
        approver: s.tokens.network,
        admin: rt.adminToken,
      },
      ticket: { rita: ritaTicket, other: otherTicket },
      change: { rita: ritaChange, other: otherChange },
      implementing: { agent: fresh[0]!, admin: fresh[1]! },
      inReview: { agent: fresh[2]!, admin: fresh[3]! },
      cancellable: { agent: fresh[4]!, admin: fresh[5]! },
      calendarId,
      calendarBody: { ...calendarBody, name: 'Authz matrix hours' },
      policyId,
      policyBody: { ...policyBody, name: 'Authz matrix policy', order: 999_999, match: { type: 'problem' } },
      views: { get: viewGet, put: viewPut, del: viewDel },
      knownError,
      catalogRequest,
      csat: { ticket: csatTicket, link: csatLink! },
    };
  }, 60_000);
  afterAll(() => fx?.s.rt.stop());

  it.each(ROWS)('$name', async ({ key, who, record, status }) => {
    const spec = MATRIX[key]!;
    const [method, template] = key.split(' ') as [string, string];
    let id = spec.idFor?.(who) ?? spec.id?.(fx) ?? '';
    if (spec.scope && record) id = spec.fresh && isStaff(who) ? fx[spec.fresh][who] : fx[spec.scope][record];
    const path = (spec.pathFor?.(who, fx) ?? template.replace('{id}', id)) + (spec.query?.(fx) ?? '');
    const res = await fx.s.http.request(method, path, {
      token: who === 'anon' ? null : fx.tokens[who],
      body: spec.body?.(fx, who, id),
    });
    expect(res.status, `${method} ${path}: ${res.text}`).toBe(status);
    if (status >= 400) expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    else spec.check?.(res, fx, who);
  });

  it('has rows for every route in ROUTES, every caller, and no other route', () => {
    expect([...new Set(ROWS.map((row) => row.key))].sort()).toEqual(ROUTES.map(routeKey).sort());
    const cells = new Set(ROWS.map((row) => `${row.key} | ${row.who}`));
    expect(cells.size).toBe(ROUTES.length * Object.keys(CALLER_NAME).length);
  });
});
