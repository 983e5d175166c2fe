import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketKey } from '../../functions/tickets/store/ticket-keys.js';
import { ensureCis } from '../support/cmdb.js';
import { type ApiClient, api, type LocalRuntime, startTestRuntime } from '../support/runtime.js';

// Concurrent writers never lose each other's changes (docs/api.md#concurrency-versions-and-etags).
describe('concurrent writers', () => {
  let rt: LocalRuntime;
  let http: ApiClient;
  const WRITERS = 20;
  /**
   * A link write also reads and checks its CI on every attempt, and racing writers on one record
   * cost rounds × writers: ten show the same (no write lost) at a quarter of the work, which keeps
   * each request inside the local 30 s integration timeout on a shared two-core CI.
   */
  const LINK_WRITERS = 10;

  beforeAll(async () => {
    rt = await startTestRuntime();
    http = api(rt, { token: rt.tokenFor('ann', ['agent']) });
  });
  afterAll(() => rt?.stop());

  it(`${LINK_WRITERS} parallel read-modify-writes of one list (ciIds via affects links) all land`, async () => {
    await ensureCis(
      rt,
      Array.from({ length: LINK_WRITERS }, (_, i) => `ci-${i}`),
    );
    const { json: t } = await http.request('POST', '/tickets', { body: { type: 'incident', title: 'busy' } });
    const responses = await Promise.all(
      Array.from({ length: LINK_WRITERS }, (_, i) =>
        http.request('POST', `/tickets/${t.id}/links`, { body: { type: 'affects', targetId: `ci-${i}` } }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(LINK_WRITERS).fill(201));
    const final = await http.request('GET', `/tickets/${t.id}`);
    expect([...final.json.ciIds].sort()).toEqual(
      Array.from({ length: LINK_WRITERS }, (_, i) => `ci-${i}`).sort(),
    );
    expect(final.json.version).toBe(1 + LINK_WRITERS);
    const history = await http.request('GET', `/tickets/${t.id}/history?limit=100`);
    expect(history.json.items).toHaveLength(1 + LINK_WRITERS);
  });

  it(`${WRITERS} parallel comments and field updates on one ticket all land`, async () => {
    const { json: t } = await http.request('POST', '/tickets', { body: { type: 'incident', title: 'busy' } });
    const comments = Array.from({ length: WRITERS / 2 }, (_, i) =>
      http.request('POST', `/tickets/${t.id}/comments`, {
        body: { body: `note ${i}`, visibility: 'internal' },
      }),
    );
    const patches = Array.from({ length: WRITERS / 2 }, (_, i) =>
      http.request('PATCH', `/tickets/${t.id}`, {
        body: i % 2 ? { category: `c${i}` } : { title: `title ${i}` },
      }),
    );
    const statuses = (await Promise.all([...comments, ...patches])).map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(WRITERS / 2);
    expect(statuses.filter((s) => s === 200)).toHaveLength(WRITERS / 2);
    const listed = await http.request('GET', `/tickets/${t.id}/comments?limit=100`);
    expect(listed.json.items).toHaveLength(WRITERS / 2);
    const final = await http.request('GET', `/tickets/${t.id}`);
    expect(final.json.version).toBe(1 + WRITERS);
  });

  /** Counts the DynamoDB calls the handlers make while `act` runs. */
  async function dynamoCalls(act: () => Promise<unknown>): Promise<string[]> {
    const client = rt.deps.dynamo as unknown as {
      send: (command: object, ...rest: unknown[]) => Promise<unknown>;
    };
    const original = client.send;
    const calls: string[] = [];
    client.send = (command, ...rest) => {
      calls.push(command.constructor.name);
      return original.call(client, command, ...rest);
    };
    try {
      await act();
    } finally {
      client.send = original;
    }
    return calls;
  }

  /** Another container's write: straight to the table, past this runtime's caches; bumps the version. */
  async function writeElsewhere(id: string, set: Record<string, unknown>): Promise<void> {
    const names = Object.fromEntries(Object.keys(set).map((k, i) => [`#f${i}`, k]));
    const values = Object.fromEntries(Object.values(set).map((v, i) => [`:v${i}`, v]));
    const assignments = Object.keys(set).map((_, i) => `#f${i} = :v${i}`);
    await rt.deps.dynamo.send(
      new UpdateCommand({
        TableName: rt.deps.tableName,
        Key: ticketKey(id),
        UpdateExpression: `SET ${[...assignments, 'version = version + :one'].join(', ')}`,
        ...(assignments.length > 0 ? { ExpressionAttributeNames: names } : {}),
        ExpressionAttributeValues: { ...values, ':one': 1 },
      }),
    );
  }

  it('a PATCH with If-Match of the version just read is one conditional write', async () => {
    const { json: t } = await http.request('POST', '/tickets', { body: { type: 'incident', title: 'etag' } });
    // A first PATCH warms the container's SLA configuration copy, so the measured one reads nothing.
    await http.request('PATCH', `/tickets/${t.id}`, { body: { title: 'etag, warm' } });
    const read = await http.request('GET', `/tickets/${t.id}`);
    const etag = read.headers.get('etag')!;
    await rt.flushEvents(10_000); // the earlier writes' stream work (outbox, notifier, indexes) is not this PATCH's
    let status = 0;
    const calls = await dynamoCalls(async () => {
      const patched = await http.request('PATCH', `/tickets/${t.id}`, {
        body: { title: 'renamed' },
        headers: { 'if-match': etag },
      });
      status = patched.status;
    });
    expect(status).toBe(200);
    expect(calls).toEqual(['TransactWriteCommand']);
  });

  it('a remembered version another writer replaced ends in 412, and the other write survives', async () => {
    const { json: t } = await http.request('POST', '/tickets', { body: { type: 'incident', title: 'mine' } });
    const etag = (await http.request('GET', `/tickets/${t.id}`)).headers.get('etag')!;
    await writeElsewhere(t.id, { title: 'theirs' });
    const stale = await http.request('PATCH', `/tickets/${t.id}`, {
      body: { title: 'overwrite?' },
      headers: { 'if-match': etag },
    });
    expect(stale.status).toBe(412);
    const after = await http.request('GET', `/tickets/${t.id}`);
    expect(after.json).toMatchObject({ title: 'theirs', version: t.version + 1 });
  });

  it('a no-op PATCH with a stale If-Match is still 412', async () => {
    const { json: t } = await http.request('POST', '/tickets', { body: { type: 'incident', title: 'same' } });
    const etag = (await http.request('GET', `/tickets/${t.id}`)).headers.get('etag')!;
    await writeElsewhere(t.id, {});
    const stale = await http.request('PATCH', `/tickets/${t.id}`, {
      body: { title: 'same' },
      headers: { 'if-match': etag },
    });
    expect(stale.status).toBe(412);
  });

  it('a PATCH without If-Match decided on an outdated copy is decided again on the current ticket', async () => {
    const { json: p } = await http.request('POST', '/tickets', { body: { type: 'problem', title: 'leak' } });
    await http.request('GET', `/tickets/${p.id}`); // this container now holds the ticket as `new`
    // Another container moves it on: new → in_progress, from which known_error is allowed.
    await writeElsewhere(p.id, { status: 'in_progress' });
    const patched = await http.request('PATCH', `/tickets/${p.id}`, {
      body: { status: 'known_error', workaround: 'Restart it' },
    });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ status: 'known_error', version: p.version + 2 });
  });

  it('a PATCH without If-Match that the outdated copy already satisfied is applied to the current ticket', async () => {
    const { json: t } = await http.request('POST', '/tickets', { body: { type: 'incident', title: 'x' } });
    await http.request('PATCH', `/tickets/${t.id}`, { body: { status: 'in_progress' } }); // copy: in_progress
    await writeElsewhere(t.id, { status: 'on_hold', holdReason: 'awaiting_caller' });
    const patched = await http.request('PATCH', `/tickets/${t.id}`, { body: { status: 'in_progress' } });
    expect(patched.status).toBe(200);
    expect(patched.json.status).toBe('in_progress');
    expect((await http.request('GET', `/tickets/${t.id}`)).json.status).toBe('in_progress');
  });
});
