import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, api, type LocalRuntime, startTestRuntime } from '../support/runtime.js';

// docs/api.md#idempotency: Idempotency-Key on POST.
describe('Idempotency-Key', () => {
  let rt: LocalRuntime;
  let http: ApiClient;

  beforeAll(async () => {
    rt = await startTestRuntime();
    http = api(rt, { token: rt.tokenFor('ann', ['agent']) });
  });
  afterAll(() => rt?.stop());

  const post = (key: string, body: unknown) =>
    http.request('POST', '/tickets', { body, headers: { 'idempotency-key': key } });

  it('a repeat returns the first status and body, and creates nothing more', async () => {
    const body = { type: 'service_request', title: 'new laptop' };
    const first = await post('key-1', body);
    const again = await post('key-1', body);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.json).toEqual(first.json);
    expect(again.headers.get('location')).toBe(first.headers.get('location'));
    const list = await http.request('GET', '/tickets?type=service_request');
    expect(list.json.items.filter((t: { title: string }) => t.title === 'new laptop')).toHaveLength(1);
  });

  it('a replay says so with Idempotent-Replayed: true; the first answer and fresh requests do not', async () => {
    const body = { type: 'incident', title: 'replay marker' };
    const first = await post('key-replayed', body);
    const again = await post('key-replayed', body);
    const third = await post('key-replayed', body);
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    for (const replay of [again, third]) {
      expect(replay.status).toBe(201);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(replay.json).toEqual(first.json);
      expect(replay.headers.get('etag')).toBe(first.headers.get('etag'));
    }
    // Another caller's request with the same key, and one without a key, are new requests.
    const theirs = await http.request('POST', '/tickets', {
      token: rt.tokenFor('zoe', ['agent']),
      body,
      headers: { 'idempotency-key': 'key-replayed' },
    });
    expect(theirs.status).toBe(201);
    expect(theirs.headers.get('idempotent-replayed')).toBeNull();
    expect((await http.request('POST', '/tickets', { body })).headers.get('idempotent-replayed')).toBeNull();
  });

  it('the same key with another body is 422', async () => {
    await post('key-2', { type: 'incident', title: 'one' });
    const res = await post('key-2', { type: 'incident', title: 'two' });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    // The first response is still what a faithful retry gets.
    expect((await post('key-2', { type: 'incident', title: 'one' })).status).toBe(201);
  });

  it('keys are per caller: another caller reusing a key gets their own result', async () => {
    const body = { type: 'incident', title: 'shared key' };
    const mine = await post('key-3', body);
    const theirs = await http.request('POST', '/tickets', {
      token: rt.tokenFor('zoe', ['agent']),
      body,
      headers: { 'idempotency-key': 'key-3' },
    });
    expect(theirs.status).toBe(201);
    expect(theirs.json.id).not.toBe(mine.json.id);
  });

  it('concurrent duplicates make exactly one ticket; the others replay it or get 409', async () => {
    const body = { type: 'incident', title: 'double click' };
    const responses = await Promise.all(Array.from({ length: 5 }, () => post('key-4', body)));
    const created = responses.filter((r) => r.status === 201);
    expect(new Set(created.map((r) => r.json.id)).size).toBe(1);
    for (const r of responses) expect([201, 409]).toContain(r.status);
    const list = await http.request('GET', '/tickets?limit=100');
    expect(list.json.items.filter((t: { title: string }) => t.title === 'double click')).toHaveLength(1);
  });

  it('a rejected request is not remembered: fixing the body with the same key works', async () => {
    expect((await post('key-5', { type: 'incident' })).status).toBe(400);
    expect((await post('key-5', { type: 'incident', title: 'fixed' })).status).toBe(201);
  });

  it('a blank key never shares a response across callers: empty or whitespace-only is 400 naming the header', async () => {
    const body = { type: 'incident', title: 'blank key' };
    for (const key of ['', ' ', '\t ']) {
      for (const who of ['alice', 'bob']) {
        const res = await http.request('POST', '/tickets', {
          token: rt.tokenFor(who, ['requester']),
          body,
          headers: { 'idempotency-key': key },
        });
        expect(res.status, JSON.stringify([key, who])).toBe(400);
        expect(res.headers.get('content-type')).toBe('application/problem+json');
        expect(res.json.errors).toEqual([{ path: 'Idempotency-Key', message: expect.any(String) }]);
      }
    }
    const list = await http.request('GET', '/tickets?limit=100');
    expect(list.json.items.filter((t: { title: string }) => t.title === 'blank key')).toHaveLength(0);
  });

  it('the documented 255-character limit is exact, and control characters are refused', async () => {
    const body = { type: 'incident', title: 'long key' };
    expect((await post('k'.repeat(255), body)).status).toBe(201);
    const over = await post('k'.repeat(256), body);
    expect(over.status).toBe(400);
    expect(over.json.errors[0].path).toBe('Idempotency-Key');
    // fetch itself refuses most control characters in headers; a tab is one it sends.
    expect((await post('a\tb', body)).status).toBe(400);
  });

  it('without a key, repeats create separate tickets', async () => {
    const body = { type: 'problem', title: 'no key' };
    const a = await http.request('POST', '/tickets', { body });
    const b = await http.request('POST', '/tickets', { body });
    expect(a.json.id).not.toBe(b.json.id);
  });
});
