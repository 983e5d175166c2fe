import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoPersonDirectory } from '../../functions/email/store/mail-directory.js';
import { type ApiClient, api, type LocalRuntime, startTestRuntime } from '../support/runtime.js';
import { outboxFor, smtpClient } from './email-support.js';

/**
 * One person across channels (docs/api.md#one-person-across-channels), end to end on the local
 * runtime: Alice mails support over SMTP; her token, whose address is verified, then finds that
 * ticket on the API as her own. A token that only claims her address, and another requester, get
 * 404 as for a ticket that does not exist.
 */
describe('one person across channels', () => {
  let rt: LocalRuntime;
  let admin: ApiClient;
  let smtp: ReturnType<typeof smtpClient>;
  /** Alice's token: sub unrelated to her address (as a Cognito UUID is), address verified. */
  let alice: ApiClient;
  /** Same address, not verified: anyone could have typed it into their profile. */
  let claimant: ApiClient;
  let bob: ApiClient;
  let agent: ApiClient;
  let mailed: { id: string; requester: { id: string } };

  beforeAll(async () => {
    rt = await startTestRuntime();
    admin = api(rt, { token: rt.adminToken });
    smtp = smtpClient(rt);
    alice = api(rt, {
      token: rt.tokenFor('3f1c-alice-uuid', ['requester'], { email: 'alice@example.com', name: 'Alice' }),
    });
    claimant = api(rt, {
      token: rt.tokenFor('mallory', ['requester'], { email: 'Alice@Example.com', emailVerified: false }),
    });
    bob = api(rt, { token: rt.tokenFor('bob', ['requester'], { email: 'bob@example.com' }) });
    agent = api(rt, {
      token: rt.tokenFor('ann', ['agent'], { email: 'ann@corp.example', name: 'Ann Agent' }),
    });

    await smtp.send({
      from: 'Alice Example <Alice@Example.com>',
      subject: 'Printer on fire',
      text: 'Smoke everywhere.',
      messageId: '<printer@alice.example.com>',
    });
    await rt.flushEvents();
    const all = (await admin.request('GET', '/tickets?limit=100')).json.items;
    mailed = all.find((ticket: { title: string }) => ticket.title === 'Printer on fire');
  });
  afterAll(async () => {
    smtp?.close();
    await rt?.stop();
  });

  const listedBy = async (client: ApiClient, limit = 100): Promise<string[]> => {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=${limit}&cursor=${cursor}` : `?limit=${limit}`;
      const res = await client.request('GET', `/tickets${query}`);
      expect(res.status).toBe(200);
      ids.push(...res.json.items.map((ticket: { id: string }) => ticket.id));
      cursor = res.json.nextCursor;
    } while (cursor);
    return ids;
  };

  it('the mail opens a ticket whose requester is the sender’s person', () => {
    expect(mailed).toMatchObject({
      source: 'email',
      requester: { id: 'person:alice@example.com', email: 'alice@example.com', name: 'Alice Example' },
    });
  });

  it('Alice’s verified token reads it, finds it in her list and comments on it as its requester', async () => {
    expect((await alice.request('GET', `/tickets/${mailed.id}`)).status).toBe(200);
    expect(await listedBy(alice)).toContain(mailed.id);

    const before = outboxFor(rt, 'alice@example.com').length;
    const res = await alice.request('POST', `/tickets/${mailed.id}/comments`, {
      body: { body: 'It is out now, but the printer is gone.' },
    });
    expect(res.status).toBe(201);
    expect(res.json.author).toMatchObject({ id: 'person:alice@example.com', email: 'alice@example.com' });
    await rt.flushEvents();
    // Her own words are not mailed back to her as an agent's reply, and she is not taken for staff.
    expect(outboxFor(rt, 'alice@example.com').length).toBe(before);
    const directory = new DynamoPersonDirectory(rt.deps.dynamo, rt.tableName);
    expect(await directory.find('alice@example.com')).toMatchObject({
      id: 'person:alice@example.com',
      staff: false,
    });
    // An agent's answer still reaches her by mail.
    expect(
      (
        await agent.request('POST', `/tickets/${mailed.id}/comments`, {
          body: { body: 'Ordering a new one.' },
        })
      ).status,
    ).toBe(201);
    await rt.flushEvents();
    expect(outboxFor(rt, 'alice@example.com').at(-1)?.text).toContain('Ordering a new one.');
  });

  it('her tickets from every channel list as one, newest first, page by page', async () => {
    const mine = await alice.request('POST', '/tickets', {
      body: { type: 'incident', title: 'Monitor flickers' },
    });
    expect(mine.status).toBe(201);
    expect(mine.json.requester.id).toBe('3f1c-alice-uuid');
    // Filed on her behalf under the address mail-created tickets carried before person ids.
    const old = await admin.request('POST', '/tickets', {
      body: { type: 'incident', title: 'Opened by mail long ago', requester: { id: 'alice@example.com' } },
    });
    expect(old.status).toBe(201);
    const expected = [old.json.id, mine.json.id, mailed.id];
    expect(await listedBy(alice)).toEqual(expected);
    expect(await listedBy(alice, 1)).toEqual(expected);
    expect((await alice.request('GET', `/tickets/${old.json.id}`)).status).toBe(200);
    const narrowed = await alice.request('GET', '/tickets?requester=person:alice@example.com');
    expect(narrowed.json.items.map((ticket: { id: string }) => ticket.id)).toEqual([mailed.id]);
  });

  it('a token with the same address, not verified, gets 404 and an empty list', async () => {
    expect((await claimant.request('GET', `/tickets/${mailed.id}`)).status).toBe(404);
    expect(
      (await claimant.request('POST', `/tickets/${mailed.id}/comments`, { body: { body: 'let me in' } }))
        .status,
    ).toBe(404);
    expect(await listedBy(claimant)).toEqual([]);
    expect((await claimant.request('GET', '/tickets?requester=person:alice@example.com')).json.items).toEqual(
      [],
    );
  });

  it('another requester gets 404', async () => {
    expect((await bob.request('GET', `/tickets/${mailed.id}`)).status).toBe(404);
    expect(await listedBy(bob)).not.toContain(mailed.id);
  });

  it('a verified caller enters the people directory on first sight; their mail then opens tickets under that person', async () => {
    const dora = api(rt, {
      token: rt.tokenFor('dora-uuid', ['requester'], { email: 'dora@example.com', name: 'Dora Token' }),
    });
    expect((await dora.request('GET', '/tickets')).status).toBe(200);
    const directory = new DynamoPersonDirectory(rt.deps.dynamo, rt.tableName);
    expect(await directory.find('DORA@example.com')).toEqual({
      id: 'person:dora@example.com',
      email: 'dora@example.com',
      name: 'Dora Token',
      staff: false,
    });
    // An unverified address is not recorded.
    const eve = api(rt, {
      token: rt.tokenFor('eve', ['requester'], { email: 'eve@example.com', emailVerified: false }),
    });
    expect((await eve.request('GET', '/tickets')).status).toBe(200);
    expect(await directory.find('eve@example.com')).toBeUndefined();

    await smtp.send({ from: 'dora@example.com', subject: 'Badge does not open the door', text: 'Door 3.' });
    await rt.flushEvents();
    const [ticket] = (await dora.request('GET', '/tickets')).json.items;
    expect(ticket).toMatchObject({
      title: 'Badge does not open the door',
      requester: { id: 'person:dora@example.com', name: 'Dora Token' },
    });
  });
});
