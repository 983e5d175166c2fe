import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CSAT_SETTINGS } from '../../functions/csat/model.js';
import { type ApiClient, api, type LocalRuntime, startTestRuntime } from '../support/runtime.js';

/**
 * Customer satisfaction through the local API (docs/csat.md), as requesters and agents use it: an
 * agent resolves → the survey mail lands in the local outbox → the requester opens the link (JSON
 * or the HTML form; a GET records nothing) → answers once (201, then 409); a reopen voids the
 * survey (410); the requester's API path; expiry and delayed mail through POST /_local/sweep.
 */
describe('CSAT over HTTP', () => {
  let rt: LocalRuntime;
  let admin: ApiClient;
  let agent: ApiClient;
  let rita: ApiClient;
  let olga: ApiClient;
  let anon: ApiClient;

  interface Mail {
    to: string[];
    subject: string;
    text: string;
    headers: Record<string, string>;
    messageId: string;
  }
  interface BusEvent {
    detailType: string;
    detail: Record<string, unknown>;
  }

  const outbox = async (): Promise<Mail[]> => (await admin.request('GET', '/_local/outbox')).json.items;
  const events = async (type: string): Promise<BusEvent[]> => {
    await rt.flushEvents();
    return (await admin.request('GET', `/_local/events?detailType=${encodeURIComponent(type)}`)).json.items;
  };
  const eventually = async <T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> => {
    const until = Date.now() + 5_000;
    for (;;) {
      await rt.flushEvents();
      const value = await read();
      if (done(value) || Date.now() > until) return value;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const putSettings = async (changes: Record<string, unknown>) => {
    const res = await admin.request('PUT', '/settings/csat', {
      body: { ...DEFAULT_CSAT_SETTINGS, ...changes },
    });
    expect(res.status, res.text).toBe(200);
  };
  const newTicket = async (client = rita, type = 'incident') => {
    const res = await client.request('POST', '/tickets', { body: { type, title: 'Printer <b>jammed</b>' } });
    expect(res.status, res.text).toBe(201);
    return res.json.id as string;
  };
  const resolve = async (id: string) => {
    const res = await agent.request('PATCH', `/tickets/${id}`, {
      body: { status: 'resolved', resolution: { code: 'fixed', notes: 'Replaced the drum' } },
    });
    expect(res.status, res.text).toBe(200);
  };
  const reopen = async (id: string) => {
    const res = await rita.request('PATCH', `/tickets/${id}`, { body: { status: 'in_progress' } });
    expect(res.status, res.text).toBe(200);
  };
  const mailsFor = async (id: string) =>
    (await outbox()).filter((mail) => mail.subject.startsWith(`[${id}] How did we do?`));
  /** The survey links mailed for a ticket, oldest first (waits for the first `count`). */
  const linksFor = async (id: string, count = 1): Promise<string[]> => {
    const mails = await eventually(
      () => mailsFor(id),
      (found) => found.length >= count,
    );
    expect(mails.length, `survey mails for ${id}`).toBeGreaterThanOrEqual(count);
    return mails.map((mail) => {
      const match = /(https?:\/\/\S+\/surveys\/[A-Za-z0-9_-]{43})\n/.exec(mail.text);
      expect(match, mail.text).not.toBeNull();
      return new URL(match![1]!).pathname;
    });
  };
  const feedbackOf = async (id: string) => (await agent.request('GET', `/tickets/${id}`)).json.feedback;

  beforeAll(async () => {
    rt = await startTestRuntime();
    admin = api(rt, { token: rt.adminToken });
    agent = api(rt, { token: rt.tokenFor('ann', ['agent'], { name: 'Ann' }) });
    rita = api(rt, {
      token: rt.tokenFor('rita', ['requester'], { email: 'rita@example.com', name: 'Rita' }),
    });
    olga = api(rt, { token: rt.tokenFor('olga', ['requester'], { email: 'olga@example.com' }) });
    anon = api(rt);
  });
  afterAll(() => rt?.stop());

  it('serves the settings to admins with their defaults, refuses others and out-of-range values', async () => {
    const read = await admin.request('GET', '/settings/csat');
    expect(read.status).toBe(200);
    expect(read.json).toMatchObject({ ...DEFAULT_CSAT_SETTINGS, version: 0 });
    expect((await agent.request('GET', '/settings/csat')).status).toBe(403);
    expect((await rita.request('PUT', '/settings/csat', { body: DEFAULT_CSAT_SETTINGS })).status).toBe(403);
    for (const [field, value] of [
      ['sampleRate', 0],
      ['sampleRate', 101],
      ['validDays', 0],
      ['validDays', 91],
      ['commentRequiredAtOrBelow', 6],
      ['types', ['problem']],
    ] as const) {
      const bad = await admin.request('PUT', '/settings/csat', {
        body: { ...DEFAULT_CSAT_SETTINGS, [field]: value },
      });
      expect(bad.status, `${field}=${JSON.stringify(value)}`).toBe(400);
      expect(bad.json.errors.map((e: { path: string }) => e.path.split('.')[0])).toContain(field);
    }
    const { sampleRate: _omitted, ...partial } = DEFAULT_CSAT_SETTINGS;
    expect((await admin.request('PUT', '/settings/csat', { body: partial })).status).toBe(400);
    const put = await admin.request('PUT', '/settings/csat', {
      body: DEFAULT_CSAT_SETTINGS,
      headers: { 'if-match': '"0"' },
    });
    expect(put.status).toBe(200);
    expect(put.headers.get('etag')).toBe('"1"');
    const stale = await admin.request('PUT', '/settings/csat', {
      body: DEFAULT_CSAT_SETTINGS,
      headers: { 'if-match': '"0"' },
    });
    expect(stale.status).toBe(412);
  });

  it('mails a survey on resolution; GET (JSON and HTML) records nothing; one answer, then 409', async () => {
    const id = await newTicket();
    await resolve(id);
    const [link] = await linksFor(id);
    const [mail] = await mailsFor(id);
    expect(mail!.to).toEqual(['rita@example.com']);
    expect(mail!.headers['Auto-Submitted']).toBe('auto-generated');
    expect(mail!.headers['X-Opsdesk-Ticket']).toBe(id);
    expect(mail!.messageId).toMatch(/^<csat\..+@opsdesk\.local>$/);
    expect(mail!.text).toContain(`${link}?rating=5`);

    const ticket = (await rita.request('GET', `/tickets/${id}`)).json;
    expect(ticket.feedback).toMatchObject({
      status: 'pending',
      rating: null,
      comment: null,
      answeredAt: null,
    });
    expect(ticket.feedback.expiresAt).toBe(
      new Date(Date.parse(ticket.resolvedAt) + 14 * 86_400_000).toISOString(),
    );

    const asJson = await anon.request('GET', `${link!}?rating=2`);
    expect(asJson.status).toBe(200);
    expect(asJson.json).toEqual({
      ticketId: id,
      title: 'Printer <b>jammed</b>',
      question: DEFAULT_CSAT_SETTINGS.question,
      scale: { min: 1, max: 5 },
      status: 'pending',
    });
    const asHtml = await anon.request('GET', `${link!}?rating=4`, { headers: { accept: 'text/html' } });
    expect(asHtml.status).toBe(200);
    expect(asHtml.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = asHtml.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("form-action 'self'");
    expect(csp).not.toContain('script-src');
    expect(asHtml.headers.get('referrer-policy')).toBe('no-referrer');
    expect(asHtml.text).not.toMatch(/<script/i);
    expect(asHtml.text).toContain('Printer &#60;b&#62;jammed&#60;/b&#62;');
    expect(asHtml.text).toContain('<form method="post">');
    expect(asHtml.text).toContain('value="4" required checked');
    expect(asHtml.text.match(/checked/g)).toHaveLength(1);
    // Prefetching (scanners, ?rating=n) recorded nothing.
    expect((await feedbackOf(id)).status).toBe('pending');
    expect((await events('Feedback Received')).filter((e) => e.detail.ticketId === id)).toEqual([]);

    const answered = await anon.request('POST', link!, { body: { rating: 4, comment: '  Quick, thanks  ' } });
    expect(answered.status, answered.text).toBe(201);
    expect(answered.json).toMatchObject({ ticketId: id, rating: 4, comment: 'Quick, thanks' });
    const again = await anon.request('POST', link!, { body: { rating: 5 } });
    expect(again.status).toBe(409);
    expect(again.json.code).toBe('already_answered');
    expect((await anon.request('GET', link!)).json.status).toBe('answered');
    expect(await feedbackOf(id)).toMatchObject({ status: 'answered', rating: 4, comment: 'Quick, thanks' });

    const sent = (await events('Survey Sent')).find((e) => e.detail.ticketId === id)!;
    expect(sent.detail).toMatchObject({
      ticketId: id,
      surveySentAt: expect.any(String),
      attribution: {
        assignee: null,
        group: expect.anything(),
        serviceId: null,
        priority: 5,
        type: 'incident',
      },
    });
    const received = (await events('Feedback Received')).find((e) => e.detail.ticketId === id)!;
    expect(received.detail).toMatchObject({
      ticketId: id,
      rating: 4,
      low: false,
      surveySentAt: sent.detail.surveySentAt,
      answeredAt: answered.json.answeredAt,
      attribution: sent.detail.attribution,
    });
  });

  it('refuses bad answers at /rating and /comment without recording anything', async () => {
    const id = await newTicket();
    await resolve(id);
    const [link] = await linksFor(id);
    for (const rating of [0, 6, 4.5, '5', null]) {
      const res = await anon.request('POST', link!, { body: { rating } });
      expect(res.status, `rating ${JSON.stringify(rating)}`).toBe(400);
      expect(res.json.errors.map((e: { path: string }) => e.path)).toEqual(['rating']);
    }
    const missing = await anon.request('POST', link!, { body: { comment: 'no rating' } });
    expect(missing.json.errors.map((e: { path: string }) => e.path)).toEqual(['rating']);
    const long = await anon.request('POST', link!, { body: { rating: 3, comment: 'x'.repeat(2001) } });
    expect(long.status).toBe(400);
    expect(long.json.errors[0].path).toBe('comment');
    const unknown = await anon.request('POST', link!, { body: { rating: 3, score: 1 } });
    expect(unknown.status).toBe(400);
    expect((await feedbackOf(id)).status).toBe('pending');
    // A comment required at or below 2 (settings), and then accepted with one.
    await putSettings({ commentRequiredAtOrBelow: 2 });
    const bare = await anon.request('POST', link!, { body: { rating: 2 } });
    expect(bare.status).toBe(400);
    expect(bare.json.errors[0].path).toBe('comment');
    expect((await anon.request('POST', link!, { body: { rating: 2, comment: 'Slow' } })).status).toBe(201);
    await putSettings({});
  });

  it('answers 404 for unknown or malformed links', async () => {
    for (const path of [`/surveys/${'A'.repeat(43)}`, '/surveys/short', `/surveys/${'A'.repeat(42)}!`]) {
      expect((await anon.request('GET', path)).status, path).toBe(404);
      expect((await anon.request('POST', path, { body: { rating: 5 } })).status, path).toBe(404);
    }
  });

  it('lets exactly one of many concurrent answers win', async () => {
    const id = await newTicket();
    await resolve(id);
    const [link] = await linksFor(id);
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => anon.request('POST', link!, { body: { rating: (i % 5) + 1 } })),
    );
    const statuses = answers.map((res) => res.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(statuses.filter((status) => status !== 201).every((status) => status === 409)).toBe(true);
    const winner = answers.find((res) => res.status === 201)!.json;
    expect(await feedbackOf(id)).toMatchObject({ status: 'answered', rating: winner.rating });
    expect((await events('Feedback Received')).filter((e) => e.detail.ticketId === id)).toHaveLength(1);
  });

  it('voids the survey on a reopen (410), issues a new one on the next resolution, and never after an answer', async () => {
    const id = await newTicket();
    await resolve(id);
    const [first] = await linksFor(id);
    await reopen(id);
    expect((await feedbackOf(id)).status).toBe('voided');
    const gone = await anon.request('GET', first!);
    expect(gone.status).toBe(410);
    expect(gone.json.code).toBe('survey_voided');
    const late = await anon.request('POST', first!, { body: { rating: 5 } });
    expect(late.status).toBe(410);
    const voided = await eventually(
      async () => (await events('Survey Voided')).filter((e) => e.detail.ticketId === id),
      (found) => found.length > 0,
    );
    expect(voided[0]!.detail).toMatchObject({ ticketId: id, surveySentAt: expect.any(String) });

    await resolve(id);
    const [, second] = await linksFor(id, 2);
    expect(second).not.toBe(first);
    expect((await feedbackOf(id)).status).toBe('pending');
    expect(
      (await anon.request('POST', second!, { body: { rating: 1, comment: 'Came back twice' } })).status,
    ).toBe(201);
    await reopen(id);
    expect((await feedbackOf(id)).status).toBe('answered');
    await resolve(id);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await rt.flushEvents();
    expect(await mailsFor(id)).toHaveLength(2);
    expect((await feedbackOf(id)).status).toBe('answered');
  });

  it('mails the group about a low rating', async () => {
    const id = await newTicket();
    await resolve(id);
    const [link] = await linksFor(id);
    expect(
      (await anon.request('POST', link!, { body: { rating: 1, comment: 'Nobody called back' } })).status,
    ).toBe(201);
    const notice = await eventually(
      async () =>
        (await outbox()).filter((mail) => mail.subject.startsWith(`[${id}] Low satisfaction rating (1/5)`)),
      (found) => found.length > 0,
    );
    expect(notice).toHaveLength(1);
    expect(notice[0]!.text).toContain('Nobody called back');
    const received = (await events('Feedback Received')).find((e) => e.detail.ticketId === id)!;
    expect(received.detail.low).toBe(true);
  });

  it('takes a form post from the HTML form and answers with a page', async () => {
    const id = await newTicket();
    await resolve(id);
    const [link] = await linksFor(id);
    // What a browser sends with the form.
    const form = { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html,*/*;q=0.8' };
    const bad = await anon.request('POST', link!, { body: 'rating=9', headers: form });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/^text\/html/);
    const res = await anon.request('POST', link!, { body: 'rating=5&comment=Great+job%21', headers: form });
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.text).toContain('Thank you');
    expect(res.text).not.toMatch(/<script/i);
    expect(await feedbackOf(id)).toMatchObject({ status: 'answered', rating: 5, comment: 'Great job!' });
    const twice = await anon.request('POST', link!, { body: 'rating=4', headers: form });
    expect(twice.status).toBe(409);
    expect(twice.text).toContain('Already answered');
    // Form-encoded from a client that asks for no page: problem+json like any API client.
    const asApi = await anon.request('POST', link!, {
      body: 'rating=4',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(asApi.status).toBe(409);
    expect(asApi.json.code).toBe('already_answered');
  });

  it('lets the requester answer through the API on their ticket, and nobody else (404)', async () => {
    const open = await newTicket();
    const notResolved = await rita.request('POST', `/tickets/${open}/feedback`, { body: { rating: 5 } });
    expect(notResolved.status).toBe(409);
    expect(notResolved.json.code).toBe('not_resolved');

    const id = await newTicket();
    await resolve(id);
    await eventually(
      () => feedbackOf(id),
      (feedback) => feedback?.status === 'pending',
    );
    for (const client of [agent, olga, admin]) {
      expect((await client.request('POST', `/tickets/${id}/feedback`, { body: { rating: 5 } })).status).toBe(
        404,
      );
    }
    expect((await rita.request('GET', `/tickets/${id}/feedback`)).status).toBe(404);
    const res = await rita.request('POST', `/tickets/${id}/feedback`, { body: { rating: 3, comment: 'OK' } });
    expect(res.status, res.text).toBe(201);
    expect(res.json).toMatchObject({ ticketId: id, rating: 3, comment: 'OK' });
    const again = await rita.request('POST', `/tickets/${id}/feedback`, { body: { rating: 3 } });
    expect(again.json.code).toBe('already_answered');
    const [link] = await linksFor(id);
    expect((await anon.request('POST', link!, { body: { rating: 5 } })).json.code).toBe('already_answered');
    for (const client of [rita, agent, admin]) {
      const read = await client.request('GET', `/tickets/${id}/feedback`);
      expect(read.status).toBe(200);
      expect(read.json).toEqual({ rating: 3, comment: 'OK', answeredAt: res.json.answeredAt });
    }
    expect((await olga.request('GET', `/tickets/${id}/feedback`)).status).toBe(404);
    // The feedback field is read-only through PATCH.
    const patch = await agent.request('PATCH', `/tickets/${id}`, { body: { feedback: null } });
    expect(patch.status).toBe(400);

    // A type that is not surveyed: nothing to answer.
    await putSettings({ types: ['incident'] });
    const request = await newTicket(rita, 'service_request');
    await resolve(request);
    const unavailable = await rita.request('POST', `/tickets/${request}/feedback`, { body: { rating: 4 } });
    expect(unavailable.status).toBe(409);
    expect(unavailable.json.code).toBe('feedback_not_available');
    expect(await feedbackOf(request)).toBeNull();
    await putSettings({});
  });

  it('expires an unanswered survey through the due index (POST /_local/sweep)', async () => {
    await putSettings({ validDays: 1 });
    const id = await newTicket();
    await resolve(id);
    const [link] = await linksFor(id);
    await admin.request('POST', '/_local/clock', { body: { advanceMinutes: 24 * 60 + 1 } });
    const sweep = await admin.request('POST', '/_local/sweep');
    expect(sweep.status).toBe(200);
    expect(sweep.json.surveys.expired).toBeGreaterThanOrEqual(1);
    expect((await feedbackOf(id)).status).toBe('expired');
    const gone = await anon.request('GET', link!);
    expect(gone.status).toBe(410);
    expect(gone.json.code).toBe('survey_expired');
    expect((await rita.request('POST', `/tickets/${id}/feedback`, { body: { rating: 4 } })).status).toBe(410);
    const expired = (await events('Survey Expired')).find((e) => e.detail.ticketId === id);
    expect(expired?.detail).toMatchObject({ ticketId: id, surveySentAt: expect.any(String) });
    await putSettings({});
  });

  it('sends the survey mail after delayMinutes, through the due index', async () => {
    await putSettings({ delayMinutes: 30 });
    const id = await newTicket();
    await resolve(id);
    await eventually(
      () => feedbackOf(id),
      (feedback) => feedback?.status === 'pending',
    );
    expect(await mailsFor(id)).toHaveLength(0);
    await admin.request('POST', '/_local/sweep');
    expect(await mailsFor(id)).toHaveLength(0);
    await admin.request('POST', '/_local/clock', { body: { advanceMinutes: 31 } });
    const sweep = await admin.request('POST', '/_local/sweep');
    expect(sweep.json.surveys.mailed).toBeGreaterThanOrEqual(1);
    const [link] = await linksFor(id);
    expect((await anon.request('POST', link!, { body: { rating: 5 } })).status).toBe(201);
    await putSettings({});
  });
});
