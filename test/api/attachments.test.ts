import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, api, type LocalRuntime, startTestRuntime } from '../support/runtime.js';

/** docs/email.md#attachments-api: POST /tickets/{id}/attachments → 201 with a presigned upload URL; GET lists with download URLs. */
describe('attachments', () => {
  let rt: LocalRuntime;
  let alice: ApiClient;
  let bob: ApiClient;
  let agent: ApiClient;
  let ticketId: string;

  beforeAll(async () => {
    rt = await startTestRuntime();
    alice = api(rt, { token: rt.tokenFor('alice', ['requester'], { name: 'Alice' }) });
    bob = api(rt, { token: rt.tokenFor('bob', ['requester']) });
    agent = api(rt, { token: rt.tokenFor('ann', ['agent']) });
    ticketId = (
      await alice.request('POST', '/tickets', { body: { type: 'incident', title: 'Broken screen' } })
    ).json.id;
  });
  afterAll(() => rt?.stop());

  const file = { filename: 'screen photo.jpg', contentType: 'image/jpeg', size: 11 };

  it('the requester announces a file: 201 with a presigned upload URL that accepts exactly that file', async () => {
    const res = await alice.request('POST', `/tickets/${ticketId}/attachments`, { body: file });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/tickets/${ticketId}/attachments`);
    expect(res.json).toMatchObject({
      ticketId,
      ...file,
      source: 'upload',
      internal: false,
      createdBy: { id: 'alice', name: 'Alice' },
      uploadHeaders: { 'content-type': 'image/jpeg', 'content-length': '11' },
    });
    expect(new Date(res.json.expiresAt).getTime() - rt.clock.now().getTime()).toBeGreaterThan(14 * 60_000);
    expect(res.json.uploadUrl.startsWith(rt.objectsUrl)).toBe(true);

    const before = (await alice.request('GET', `/tickets/${ticketId}/attachments`)).json.items;
    expect(before).toEqual([
      expect.objectContaining({ id: res.json.id, available: false, downloadUrl: null }),
    ]);

    const wrongType = await fetch(res.json.uploadUrl, {
      method: 'PUT',
      headers: { 'content-type': 'text/html' },
      body: 'hello world',
    });
    expect(wrongType.status).toBe(403);
    const wrongSize = await fetch(res.json.uploadUrl, {
      method: 'PUT',
      headers: { 'content-type': 'image/jpeg' },
      body: 'too long for the grant',
    });
    expect(wrongSize.status).toBe(403);
    const tampered = await fetch(res.json.uploadUrl.replace(/tickets%2F|tickets\//, 'tickets/x'), {
      method: 'PUT',
      headers: { 'content-type': 'image/jpeg' },
      body: 'hello world',
    });
    expect(tampered.status).toBe(403);
    const upload = await fetch(res.json.uploadUrl, {
      method: 'PUT',
      headers: res.json.uploadHeaders,
      body: 'hello world',
    });
    expect(upload.status).toBe(200);

    const [listed] = (await alice.request('GET', `/tickets/${ticketId}/attachments`)).json.items;
    expect(listed).toMatchObject({ id: res.json.id, available: true });
    const download = await fetch(listed.downloadUrl);
    expect(download.status).toBe(200);
    expect(await download.text()).toBe('hello world');
    expect(download.headers.get('content-disposition')).toMatch(/^attachment; filename="screen photo.jpg"/);
    expect(download.headers.get('x-content-type-options')).toBe('nosniff');
    // A download URL is a GET grant only.
    expect((await fetch(listed.downloadUrl, { method: 'PUT', body: 'x' })).status).toBe(403);
  });

  it('presigned URLs expire', async () => {
    const res = await alice.request('POST', `/tickets/${ticketId}/attachments`, {
      body: { ...file, filename: 'late.jpg' },
    });
    rt.clock.advance(16);
    try {
      const late = await fetch(res.json.uploadUrl, {
        method: 'PUT',
        headers: res.json.uploadHeaders,
        body: 'hello world',
      });
      expect(late.status).toBe(403);
      expect(await late.text()).toMatch(/expired/);
    } finally {
      rt.clock.advance(-16);
    }
  });

  it('follows the ticket rules: another requester gets 404, staff may attach to any ticket, a closed ticket takes no requester files', async () => {
    expect((await bob.request('POST', `/tickets/${ticketId}/attachments`, { body: file })).status).toBe(404);
    expect((await bob.request('GET', `/tickets/${ticketId}/attachments`)).status).toBe(404);
    expect((await alice.request('POST', '/tickets/INC-999999/attachments', { body: file })).status).toBe(404);
    expect((await agent.request('POST', `/tickets/${ticketId}/attachments`, { body: file })).status).toBe(
      201,
    );
    const approver = api(rt, { token: rt.tokenFor('ahmed', ['approver']) });
    expect((await approver.request('POST', `/tickets/${ticketId}/attachments`, { body: file })).status).toBe(
      403,
    );

    const other = (await alice.request('POST', '/tickets', { body: { type: 'incident', title: 'to close' } }))
      .json.id;
    await agent.request('PATCH', `/tickets/${other}`, { body: { status: 'cancelled' } });
    expect((await alice.request('POST', `/tickets/${other}/attachments`, { body: file })).status).toBe(409);
  });

  it('rejects bad announcements with 400 and the offending paths', async () => {
    const res = await alice.request('POST', `/tickets/${ticketId}/attachments`, {
      body: { filename: '../etc/passwd', contentType: 'not a type', size: 0, extra: 1 },
    });
    expect(res.status).toBe(400);
    const paths = res.json.errors.map((e: { path: string }) => e.path).sort();
    expect(paths).toEqual(expect.arrayContaining(['filename', 'contentType', 'size']));
    const tooBig = await alice.request('POST', `/tickets/${ticketId}/attachments`, {
      body: { ...file, size: 26 * 1024 * 1024 },
    });
    expect(tooBig.status).toBe(400);
  });

  it('responses never carry the internal storage key of a file', async () => {
    const grant = await alice.request('POST', `/tickets/${ticketId}/attachments`, {
      body: { ...file, filename: 'key.jpg' },
    });
    expect(grant.status).toBe(201);
    expect(grant.json).not.toHaveProperty('objectKey');
    expect(grant.text).not.toContain(`tickets/${ticketId}/${grant.json.id}"`);
    const { items } = (await agent.request('GET', `/tickets/${ticketId}/attachments`)).json;
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) expect(item).not.toHaveProperty('objectKey');
  });

  it('the OpenAPI document describes both routes', async () => {
    const doc = (await api(rt).request('GET', '/openapi.json')).json;
    expect(doc.paths['/tickets/{id}/attachments'].post.responses['201']).toBeDefined();
    expect(doc.paths['/tickets/{id}/attachments'].get.responses['200']).toBeDefined();
  });
});
