import { expect } from 'vitest';
import type { LocalChangeWorkflow } from '../../functions/changes/workflow/local-workflow.js';
import { PATH_ID_PATTERN } from '../../functions/shared/http/pipeline.js';
import { ensureCis } from '../support/cmdb.js';
import {
  type ApiClient,
  type ApiResponse,
  api,
  type LocalRuntime,
  startTestRuntime,
} from '../support/runtime.js';

/**
 * A local stack for change tests: the real handlers and the workflow running the synthesised state
 * machine, groups with members and mail addresses, and helpers that drive it through the API.
 */
export const HOUR = 60;
export const DAY = 24 * HOUR;

/** Wait states poll fast in tests; set before the runtime starts (LocalChangeWorkflow reads it). */
process.env.OPSDESK_WORKFLOW_POLL_MS ??= '100';

export interface ChangeStack {
  readonly rt: LocalRuntime;
  readonly http: ApiClient;
  readonly tokens: {
    readonly agent: string;
    readonly network: string;
    readonly database: string;
    readonly ecab: string;
    readonly manager: string;
    /** An approver in no group. */
    readonly outsider: string;
    readonly requester: string;
    readonly otherRequester: string;
  };
  readonly workflow: LocalChangeWorkflow;
  /** Sequential CI ids, so tests never conflict with each other by accident. */
  ci(): string;
  /** An ISO time `minutes` from the runtime's (test) clock. */
  at(minutes: number): string;
  submit(body: Record<string, unknown>, token?: string): Promise<ApiResponse>;
  get(id: string): Promise<ApiResponse>;
  /** Polls the change until `until` holds (bounded); returns the last body. */
  waitFor(
    id: string,
    until: (change: ChangeBody) => boolean,
    what: string,
    timeoutMs?: number,
  ): Promise<ChangeBody>;
  waitForStatus(id: string, status: string, timeoutMs?: number): Promise<ChangeBody>;
  /** Waits until the approval of `group` is pending (its token stored), then decides it. */
  decide(id: string, group: string, decision: 'approve' | 'reject', comment?: string): Promise<ApiResponse>;
  /**
   * Waits until the execution has entered this state. A waiting task's deadline counts from when it
   * started: move the clock only once the task it should time out is waiting.
   */
  waitForState(id: string, state: string): Promise<void>;
  advanceClock(minutes: number): Promise<void>;
  events(changeId: string): Promise<{ detailType: string; detail: Record<string, unknown> }[]>;
  history(id: string): Promise<{ action: string; actor: { id: string }; events: { detailType: string }[] }[]>;
}

// biome-ignore lint/suspicious/noExplicitAny: tests read response bodies freely
export type ChangeBody = any;

const GROUP_MEMBERS: Record<string, string> = {
  network: 'cara',
  database: 'dan',
  ecab: 'erin',
  'change-managers': 'frank',
};

export async function startChangeStack(): Promise<ChangeStack> {
  const rt = await startTestRuntime();
  // Timings in the tests then measure the workflow, not the first synthesis of its definition.
  await (rt.deps.workflow as LocalChangeWorkflow).ready();
  const admin = api(rt, { token: rt.adminToken });
  for (const [group, member] of Object.entries(GROUP_MEMBERS)) {
    const res = await admin.request('PUT', `/groups/${group}`, {
      body: { name: group, members: [member], email: `${group}@example.com` },
    });
    expect(res.status, `PUT /groups/${group}: ${res.text}`).toBeLessThan(300);
  }
  const approver = (id: string) => rt.tokenFor(id, ['approver'], { name: id });
  const tokens = {
    agent: rt.tokenFor('ann', ['agent'], { name: 'Ann Agent', email: 'ann@example.com' }),
    network: approver('cara'),
    database: approver('dan'),
    ecab: approver('erin'),
    manager: approver('frank'),
    outsider: approver('olga'),
    requester: rt.tokenFor('rita', ['requester'], { email: 'rita@example.com' }),
    otherRequester: rt.tokenFor('bob', ['requester']),
  };
  const tokenOf: Record<string, string> = {
    network: tokens.network,
    database: tokens.database,
    ecab: tokens.ecab,
    'change-managers': tokens.manager,
  };
  const http = api(rt, { token: tokens.agent });
  let ciCounter = 0;

  const get = (id: string) => http.request('GET', `/changes/${id}`);
  const waitFor: ChangeStack['waitFor'] = async (id, until, what, timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    let last: ChangeBody;
    while (Date.now() < deadline) {
      last = (await get(id)).json;
      if (until(last)) return last;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`${id} did not reach "${what}" within ${timeoutMs} ms: ${JSON.stringify(last)}`);
  };

  return {
    rt,
    http,
    tokens,
    workflow: rt.deps.workflow as LocalChangeWorkflow,
    ci: () => `ci-${++ciCounter}-${Math.random().toString(36).slice(2, 8)}`,
    at: (minutes) => new Date(rt.clock.now().getTime() + minutes * 60_000).toISOString(),
    // The CIs a change names exist first: the CMDB refuses unknown ones (cmdb.strictCiIds).
    submit: async (body, token = tokens.agent) => {
      const ciIds = (body as { ciIds?: unknown }).ciIds;
      // Only ids a CI can have: bodies that are meant to be refused keep their faults.
      if (Array.isArray(ciIds) && ciIds.length <= 20)
        await ensureCis(
          rt,
          ciIds.filter((id): id is string => typeof id === 'string' && PATH_ID_PATTERN.test(id)),
        );
      return http.request('POST', '/changes', { body, token });
    },
    get,
    waitFor,
    waitForStatus: (id, status, timeoutMs) =>
      waitFor(id, (c) => c.status === status, `status ${status}`, timeoutMs),
    decide: async (id, group, decision, comment) => {
      await waitFor(
        id,
        (c) =>
          c.approvals.some(
            (a: { group: string; status: string }) => a.group === group && a.status === 'pending',
          ),
        `a pending ${group} approval`,
      );
      return http.request('POST', `/changes/${id}/approvals`, {
        token: tokenOf[group],
        body: { decision, ...(comment ? { comment } : {}) },
      });
    },
    waitForState: async (id, state) => {
      const workflow = rt.deps.workflow as LocalChangeWorkflow;
      for (let attempt = 0; attempt < 200; attempt++) {
        const entered = workflow
          .describe(id)
          ?.events.some((e) => e.type === 'StateEntered' && e.state === state);
        if (entered) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`the execution of ${id} never entered ${state}`);
    },
    advanceClock: async (minutes) => {
      const res = await admin.request('POST', '/_local/clock', { body: { advanceMinutes: minutes } });
      expect(res.status).toBe(200);
    },
    events: async (changeId) => {
      await rt.flushEvents();
      const res = await admin.request('GET', '/_local/events');
      return res.json.items.filter((e: { detail: { changeId?: string } }) => e.detail.changeId === changeId);
    },
    history: async (id) => (await http.request('GET', `/changes/${id}/history?limit=100`)).json.items,
  };
}

/** A valid normal change for two fresh CIs, starting in two days for two hours. */
export function normalChange(
  stack: ChangeStack,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    type: 'normal',
    title: 'Upgrade core switches',
    description: 'Firmware 9.3 on both core switches',
    ciIds: [stack.ci(), stack.ci()],
    plannedStart: stack.at(2 * DAY),
    plannedEnd: stack.at(2 * DAY + 2 * HOUR),
    implementationPlan: 'Drain, upgrade, verify, undrain, one switch at a time',
    backoutPlan: 'Reinstall firmware 9.2 from the config backup',
    approvalGroups: ['network', 'database'],
    ...overrides,
  };
}
