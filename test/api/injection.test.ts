import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiClient,
  type ApiResponse,
  api,
  type LocalRuntime,
  startTestRuntime,
} from '../support/runtime.js';

/**
 * Hostile-client report. A: control characters and line breaks in one-line fields (titles, names)
 * are a 400 naming the field, and text stored before that rule never injects a mail header.
 * B: comments and descriptions are plain text, stored and returned verbatim; the mail carrying
 * them is text only.
 */
const INJECTED = 'Printer\r\nBcc: attacker@evil.example';
const ACTIVE_CONTENT = '<script>alert(1)</script><img src=x onerror=alert(1)>';
const BREAKERS: [string, string][] = [
  ['CR/LF', INJECTED],
  ['LF', 'Printer\nBcc: attacker@evil.example'],
  ['TAB', 'Printer\tdown'],
  ['NUL', 'Printer\u0000down'],
  ['DEL', 'Printer\u007fdown'],
  ['NEL', 'Printer\u0085down'],
  ['LINE SEPARATOR', 'Printer\u2028down'],
  ['PARAGRAPH SEPARATOR', 'Printer\u2029down'],
  ['a trailing newline', 'Printer down\n'],
];

function expectFieldError(
  res: ApiResponse,
  path: string,
  message = 'must be a single line without control characters',
): void {
  expect(res.status, res.text).toBe(400);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  expect(res.json.errors).toEqual([{ path, message }]);
}

describe('one-line fields refuse control characters; mail headers stay intact', () => {
  let rt: LocalRuntime;
  let agent: ApiClient;
  let admin: ApiClient;
  let ticketId: string;

  beforeAll(async () => {
    rt = await startTestRuntime();
    agent = api(rt, {
      token: rt.tokenFor('ann', ['agent'], { email: 'ann@corp.example', name: 'Ann Agent' }),
    });
    admin = api(rt, { token: rt.adminToken });
    const created = await agent.request('POST', '/tickets', {
      body: {
        type: 'incident',
        title: 'VPN down',
        requester: { id: 'alice', email: 'alice@example.com', name: 'Alice' },
      },
    });
    expect(created.status).toBe(201);
    ticketId = created.json.id;
  });
  afterAll(() => rt?.stop());

  for (const [what, title] of BREAKERS) {
    it(`POST /tickets with ${what} in the title is 400 naming title`, async () => {
      expectFieldError(
        await agent.request('POST', '/tickets', { body: { type: 'incident', title } }),
        'title',
      );
    });
  }

  it('PATCH of a title, and a requester name, are refused the same way; nothing changes', async () => {
    expectFieldError(
      await agent.request('PATCH', `/tickets/${ticketId}`, { body: { title: INJECTED } }),
      'title',
    );
    expectFieldError(
      await agent.request('POST', '/tickets', {
        body: {
          type: 'incident',
          title: 'ok',
          requester: { id: 'bob', name: 'Bob\r\nBcc: attacker@evil.example' },
        },
      }),
      'requester.name',
    );
    expect((await agent.request('GET', `/tickets/${ticketId}`)).json.title).toBe('VPN down');
  });

  it('change titles, freeze-window, group, calendar and policy names are one-line too', async () => {
    const start = new Date(rt.clock.now().getTime() + 86_400_000);
    const end = new Date(start.getTime() + 3_600_000);
    expectFieldError(
      await agent.request('POST', '/changes', {
        body: {
          type: 'standard',
          title: INJECTED,
          ciIds: ['app-1'],
          plannedStart: start.toISOString(),
          plannedEnd: end.toISOString(),
        },
      }),
      'title',
    );
    expectFieldError(
      await admin.request('PUT', '/freeze-windows/q4', {
        body: { name: 'Freeze\u2028now', start: start.toISOString(), end: end.toISOString() },
      }),
      'name',
    );
    expectFieldError(
      await admin.request('PUT', '/groups/desk', {
        body: { name: 'Desk\r\nBcc: x@evil.example', members: [] },
      }),
      'name',
    );
    const hours = { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] };
    expectFieldError(
      await admin.request('PUT', '/calendars/berlin', {
        body: { name: 'Berlin\toffice', timezone: 'Europe/Berlin', hours },
      }),
      'name',
    );
    expectFieldError(
      await admin.request('PUT', '/sla-policies/vip', {
        body: {
          name: 'VIP\u0000',
          order: 1,
          calendarId: 'business-hours',
          targets: { firstResponse: 10, resolution: 60 },
        },
      }),
      'name',
    );
    expectFieldError(
      await agent.request('POST', `/tickets/${ticketId}/attachments`, {
        body: { filename: 'report\u2029.pdf', contentType: 'application/pdf', size: 10 },
      }),
      'filename',
      'must be a file name without path separators or control characters',
    );
  });

  it('multi-line text keeps its line breaks and tabs; markup is stored and returned verbatim (plain text)', async () => {
    const description = `line 1\r\nline 2\n\tindented\n${ACTIVE_CONTENT}`;
    const created = await agent.request('POST', '/tickets', {
      body: { type: 'incident', title: 'Multi-line', description },
    });
    expect(created.status).toBe(201);
    expect(created.json.description).toBe(description);
    const comment = await agent.request('POST', `/tickets/${created.json.id}/comments`, {
      body: { body: ACTIVE_CONTENT, visibility: 'internal' },
    });
    expect(comment.status).toBe(201);
    expect(comment.headers.get('content-type')).toMatch(/^application\/json/);
    const listed = (await agent.request('GET', `/tickets/${created.json.id}/comments`)).json.items;
    expect(listed.at(-1).body).toBe(ACTIVE_CONTENT);
  });

  it('a title stored with CR/LF before the rule never reaches a mail header raw; the mail body is text only', async () => {
    // Data written before the API refused it (or by another path): put straight into the table,
    // as a new version so that no cached copy of the ticket overwrites it.
    await rt.deps.dynamo.send(
      new UpdateCommand({
        TableName: rt.tableName,
        Key: { PK: `TICKET#${ticketId}`, SK: 'TICKET' },
        UpdateExpression: 'SET title = :title, version = version + :one',
        ExpressionAttributeValues: { ':title': INJECTED, ':one': 1 },
      }),
    );
    const before = rt.outbox.length;
    const posted = await agent.request('POST', `/tickets/${ticketId}/comments`, {
      body: { body: ACTIVE_CONTENT },
    });
    expect(posted.status).toBe(201);
    await rt.flushEvents();
    const sent = rt.outbox.slice(before).filter((mail) => mail.to.includes('alice@example.com'));
    expect(sent).toHaveLength(1);
    const mail = sent[0]!;
    expect(mail.subject).toBe(`Re: [${ticketId}] Printer Bcc: attacker@evil.example`);
    for (const value of [
      mail.subject,
      mail.messageId,
      mail.inReplyTo ?? '',
      ...(mail.references ?? []),
      ...Object.entries(mail.headers ?? {}).flat(),
    ]) {
      expect(value).not.toMatch(/[\p{Cc}\u2028\u2029]/u);
    }
    expect(Object.keys(mail.headers ?? {}).map((name) => name.toLowerCase())).not.toContain('bcc');
    // Plain text only: the comment goes in verbatim, and the mail has no HTML part at all.
    expect(Object.keys(mail)).not.toContain('html');
    expect(mail.text).toContain(ACTIVE_CONTENT);
  });
});
