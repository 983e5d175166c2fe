/**
 * The README tour (docs/tour.sh) through a typed client: `openapi-fetch` over the types
 * `openapi-typescript` generates from GET /openapi.json. `opsdesk-openapi` is those generated types;
 * it exists only where test/api/typed-client.test.ts generates it and compiles this file against
 * it (docs/api.md#typed-clients), so a change to the document that breaks a client's code fails
 * that test. The main tsconfig leaves this folder out for the same reason.
 */
import createClient from 'openapi-fetch';
import type { components, paths } from 'opsdesk-openapi';

export type Ticket = components['schemas']['Ticket'];
export type Problem = components['schemas']['Problem'];

export interface TourTokens {
  readonly agent: string;
  readonly alice: string;
  readonly bob: string;
}

/** What the tour saw, for the test to check. */
export interface TourResult {
  readonly created: Ticket;
  readonly listedIds: readonly string[];
  readonly statuses: readonly Ticket['status'][];
  readonly commentVisibility: components['schemas']['Comment']['visibility'];
  readonly refused: {
    readonly status: number;
    readonly code: Problem['code'];
    readonly allowed: Problem['allowed'];
  };
  readonly resolvedAt: string | null;
  readonly bobSees: number;
  readonly historyEntries: number;
  readonly replayed: string | null;
}

/** A client that sends `token` on every request. */
export function opsdeskClient(baseUrl: string, token: string) {
  return createClient<paths>({ baseUrl, headers: { authorization: `Bearer ${token}` } });
}

/** The answer's body, or an error naming the operation and the problem it got. */
function ok<T>(step: string, answer: { data?: T; error?: unknown; response: Response }): T {
  if (answer.data === undefined) {
    throw new Error(`${step}: ${answer.response.status} ${JSON.stringify(answer.error)}`);
  }
  return answer.data;
}

export async function runTour(baseUrl: string, tokens: TourTokens): Promise<TourResult> {
  const agent = opsdeskClient(baseUrl, tokens.agent);
  const alice = opsdeskClient(baseUrl, tokens.alice);
  const bob = opsdeskClient(baseUrl, tokens.bob);

  // Alice reports an incident.
  const created = ok(
    'create',
    await alice.POST('/tickets', {
      body: {
        type: 'incident',
        title: 'VPN down',
        description: 'Since 9:00, all of sales',
        impact: 2,
        urgency: 1,
      },
    }),
  );
  const path = { id: created.id };

  // The agent lists new incidents.
  const listed = ok(
    'list',
    await agent.GET('/tickets', { params: { query: { type: 'incident', status: 'new', limit: 100 } } }),
  );

  // The agent takes it and asks Alice a question.
  const statuses: Ticket['status'][] = [];
  const taken = ok(
    'take',
    await agent.PATCH('/tickets/{id}', {
      params: { path },
      body: { assignee: 'ann', group: 'service-desk', status: 'in_progress' },
    }),
  );
  statuses.push(taken.status);
  const question = ok(
    'ask',
    await agent.POST('/tickets/{id}/comments', {
      params: { path, header: { 'Idempotency-Key': `tour-question-${created.id}` } },
      body: { body: 'Which VPN client version do you run?' },
    }),
  );
  // The ETag of a read makes the write conditional: 412 if someone changed the ticket since.
  const current = await agent.GET('/tickets/{id}', { params: { path } });
  const etag = current.response.headers.get('etag');
  if (!current.data || !etag) throw new Error(`read: ${current.response.status}`);
  const held = ok(
    'hold',
    await agent.PATCH('/tickets/{id}', {
      params: { path, header: { 'If-Match': etag } },
      body: { status: 'on_hold', holdReason: 'awaiting_customer' },
    }),
  );
  statuses.push(held.status);

  // Alice answers; her reply puts the ticket back in progress.
  ok('answer', await alice.POST('/tickets/{id}/comments', { params: { path }, body: { body: '5.1.2' } }));
  statuses.push(ok('read', await alice.GET('/tickets/{id}', { params: { path } })).status);

  // An illegal move is refused with the allowed ones (409).
  const illegal = await agent.PATCH('/tickets/{id}', { params: { path }, body: { status: 'closed' } });
  if (!illegal.error || !('code' in illegal.error)) {
    throw new Error(`close: expected a problem, got ${illegal.response.status}`);
  }
  const refused = {
    status: illegal.response.status,
    code: illegal.error.code,
    allowed: illegal.error.allowed,
  };

  // The agent resolves it; Bob cannot see anyone else's tickets.
  const resolved = ok(
    'resolve',
    await agent.PATCH('/tickets/{id}', {
      params: { path },
      body: { status: 'resolved', resolution: { code: 'fixed', notes: 'Rolled the gateway certificate' } },
    }),
  );
  statuses.push(resolved.status);
  const bobSees = (await bob.GET('/tickets/{id}', { params: { path } })).response.status;

  // History: who changed what, when.
  const history = ok('history', await agent.GET('/tickets/{id}/history', { params: { path } }));

  // A retried comment with the same Idempotency-Key is answered from the first, and says so.
  const retried = await agent.POST('/tickets/{id}/comments', {
    params: { path, header: { 'Idempotency-Key': `tour-question-${created.id}` } },
    body: { body: 'Which VPN client version do you run?' },
  });
  if (ok('retry', retried).id !== question.id) throw new Error('retry: a second comment was made');

  return {
    created,
    listedIds: listed.items.map((ticket) => ticket.id),
    statuses,
    commentVisibility: question.visibility,
    refused,
    resolvedAt: resolved.resolvedAt,
    bobSees,
    historyEntries: history.items.length,
    replayed: retried.response.headers.get('idempotent-replayed'),
  };
}

/**
 * Never called: compiled only, so the generated types must keep refusing what the API refuses.
 * Each `@ts-expect-error` fails the compilation if its line ever type-checks.
 */
export function typeChecks(client: ReturnType<typeof opsdeskClient>): void {
  // @ts-expect-error request bodies are closed objects: an unknown field does not compile
  void client.POST('/tickets', { body: { type: 'incident', title: 'x', colour: 'red' } });
  // @ts-expect-error `type` is an enum
  void client.POST('/tickets', { body: { type: 'outage', title: 'x' } });
  // @ts-expect-error a path parameter is required
  void client.GET('/tickets/{id}', {});
  // @ts-expect-error an unknown route does not compile
  void client.GET('/tickets/{id}/watchers', { params: { path: { id: 'INC-000001' } } });
  const status: Ticket['status'] = 'in_progress';
  // @ts-expect-error statuses are an enum
  const wrong: Ticket['status'] = 'open';
  void [status, wrong];
}
