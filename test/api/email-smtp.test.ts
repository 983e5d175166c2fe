import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, api, type LocalRuntime, startTestRuntime } from '../support/runtime.js';
import { mailRecords, outboxFor, rawSmtp, SUPPORT, smtpClient } from './email-support.js';

/**
 * Email to ticket end to end on the local runtime: nodemailer → SMTP listener → raw-mail bucket →
 * the S3-trigger handler → tickets; notifications from the event bus into /_local/outbox.
 */
describe('email to ticket over SMTP', () => {
  let rt: LocalRuntime;
  let http: ApiClient;
  let smtp: ReturnType<typeof smtpClient>;
  let agentToken: string;

  beforeAll(async () => {
    rt = await startTestRuntime({
      email: {
        machineSenders: ['monitor.example'],
        addresses: [
          { address: SUPPORT, type: 'incident' },
          { address: 'requests@opsdesk.local', type: 'service_request' },
        ],
      },
    });
    http = api(rt, { token: rt.adminToken });
    smtp = smtpClient(rt);
    agentToken = rt.tokenFor('ann', ['agent'], { email: 'ann@corp.example', name: 'Ann Agent' });
  });
  afterAll(async () => {
    smtp?.close();
    await rt?.stop();
  });

  async function ticketsOf(email: string) {
    const res = await http.request('GET', '/tickets?limit=100');
    return res.json.items.filter((t: { requester: { email: string } }) => t.requester.email === email);
  }

  async function comments(id: string) {
    return (await http.request('GET', `/tickets/${id}/comments`)).json.items;
  }

  async function newTicketFrom(from: string, subject: string, extra: Record<string, unknown> = {}) {
    const messageId = `<${Math.random().toString(36).slice(2)}@mail.example>`;
    await smtp.send({ from, subject, text: `${subject}: details`, messageId, ...extra });
    await rt.flushEvents();
    const tickets = await ticketsOf(from.replace(/^.*</, '').replace(/>$/, '').toLowerCase());
    return { ticket: tickets.find((t: { title: string }) => t.title === subject), messageId };
  }

  it('a new mail opens a ticket with the sender as requester, keeps the screenshot and is acknowledged', async () => {
    const reply = await smtp.send({
      from: 'Alice Example <alice@example.com>',
      cc: 'Carol <carol@example.com>',
      subject: 'VPN down since 9:00',
      text: 'I cannot connect to the VPN.\nScreenshot attached.',
      messageId: '<first@alice.example.com>',
      attachments: [
        { filename: 'screenshot.png', content: Buffer.from('PNG-BYTES'), contentType: 'image/png' },
      ],
    });
    expect(reply).toMatch(/^250 /);
    await rt.flushEvents();
    const [ticket] = await ticketsOf('alice@example.com');
    expect(ticket).toMatchObject({
      id: 'INC-000001',
      type: 'incident',
      source: 'email',
      title: 'VPN down since 9:00',
      description: 'I cannot connect to the VPN.\nScreenshot attached.',
      requester: { email: 'alice@example.com', name: 'Alice Example' },
      status: 'new',
    });

    const files = (await http.request('GET', `/tickets/${ticket.id}/attachments`)).json.items;
    expect(files).toEqual([
      expect.objectContaining({
        filename: 'screenshot.png',
        contentType: 'image/png',
        size: 9,
        source: 'email',
        available: true,
      }),
    ]);
    const download = await fetch(files[0].downloadUrl);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).toString()).toBe('PNG-BYTES');

    const [ack, ...more] = outboxFor(rt, 'alice@example.com');
    expect(more).toEqual([]);
    expect(ack).toMatchObject({
      subject: '[INC-000001] VPN down since 9:00',
      inReplyTo: '<first@alice.example.com>',
      automatic: true,
      headers: expect.objectContaining({
        'Auto-Submitted': 'auto-replied',
        'X-Opsdesk-Ticket': 'INC-000001',
        'X-Loop': SUPPORT,
      }),
    });
    expect(ack!.messageId).toMatch(/^<opsdesk\..+\.INC-000001@opsdesk\.local>$/);
    expect(ack!.references).toEqual(['<ticket.INC-000001@opsdesk.local>', '<first@alice.example.com>']);
  });

  it('mail to the requests address opens a service request', async () => {
    await smtp.send({
      from: 'dave@example.com',
      to: 'requests@opsdesk.local',
      subject: 'New laptop please',
      text: 'x',
    });
    const [ticket] = await ticketsOf('dave@example.com');
    expect(ticket).toMatchObject({ type: 'service_request', id: 'REQ-000001' });
  });

  it('the requester’s reply to our mail threads by its headers (subject edited), quotes trimmed, and resumes a ticket awaiting them', async () => {
    const [ticket] = await ticketsOf('alice@example.com');
    const agent = api(rt, { token: agentToken });
    await agent.request('PATCH', `/tickets/${ticket.id}`, {
      body: { status: 'on_hold', holdReason: 'awaiting_customer' },
    });
    const ack = outboxFor(rt, 'alice@example.com')[0]!;
    await smtp.send({
      from: 'alice@example.com',
      subject: 'my answer (subject edited, no ticket id)',
      inReplyTo: ack.messageId,
      references: [...(ack.references ?? []), ack.messageId],
      text: 'Client 5.1.2 on Windows 11.\n\nOn Mon, 23 Nov 2026 at 10:00, Opsdesk <support@opsdesk.local> wrote:\n> we have received your message',
    });
    const [comment] = (await comments(ticket.id)).slice(-1);
    expect(comment).toMatchObject({
      body: 'Client 5.1.2 on Windows 11.',
      visibility: 'public',
      author: { email: 'alice@example.com' },
    });
    const after = (await http.request('GET', `/tickets/${ticket.id}`)).json;
    expect(after).toMatchObject({ status: 'in_progress', holdReason: null });
  });

  it('an agent’s public comment reaches the requester (and the Cc participant) by mail; the answer threads back', async () => {
    const [ticket] = await ticketsOf('alice@example.com');
    const agent = api(rt, { token: agentToken });
    const before = outboxFor(rt, 'alice@example.com').length;
    await agent.request('POST', `/tickets/${ticket.id}/comments`, {
      body: { body: 'Please reinstall the client.' },
    });
    await agent.request('POST', `/tickets/${ticket.id}/comments`, {
      body: { body: 'internal only', visibility: 'internal' },
    });
    await rt.flushEvents();
    const sent = outboxFor(rt, 'alice@example.com').slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      subject: `Re: [${ticket.id}] VPN down since 9:00`,
      cc: ['carol@example.com'],
      automatic: false,
    });
    expect(sent[0]!.text).toContain('Please reinstall the client.');
    expect(sent[0]!.headers?.['Auto-Submitted']).toBeUndefined();

    // Alice answers that mail from her phone: it threads by In-Reply-To alone.
    await smtp.send({
      from: 'alice@example.com',
      subject: 'Re: reinstall',
      inReplyTo: sent[0]!.messageId,
      text: 'Done, works.',
    });
    expect((await comments(ticket.id)).at(-1)).toMatchObject({ body: 'Done, works.', visibility: 'public' });
  });

  it('a Cc participant’s reply is a public comment; an agent (learned from their comments) replying by mail writes as the agent', async () => {
    const [ticket] = await ticketsOf('alice@example.com');
    await smtp.send({
      from: 'carol@example.com',
      subject: `Re: [${ticket.id}] VPN`,
      text: 'Same here on my laptop.',
    });
    expect((await comments(ticket.id)).at(-1)).toMatchObject({
      body: 'Same here on my laptop.',
      visibility: 'public',
      author: { email: 'carol@example.com' },
    });
    await smtp.send({
      from: 'Ann Agent <ann@corp.example>',
      subject: `Re: [${ticket.id}] VPN`,
      text: 'Fixed on the gateway.',
    });
    expect((await comments(ticket.id)).at(-1)).toMatchObject({
      body: 'Fixed on the gateway.',
      visibility: 'public',
      author: { id: 'ann', email: 'ann@corp.example' },
    });
  });

  it('an uninvolved sender quoting the ticket id only adds an internal note and changes nothing', async () => {
    const [ticket] = await ticketsOf('alice@example.com');
    const agent = api(rt, { token: agentToken });
    await agent.request('PATCH', `/tickets/${ticket.id}`, {
      body: { status: 'on_hold', holdReason: 'awaiting_customer' },
    });
    const version = (await http.request('GET', `/tickets/${ticket.id}`)).json.version;
    await smtp.send({
      from: 'Mallory <mallory@evil.example>',
      subject: `[${ticket.id}] let me in`,
      text: 'Please close this.',
    });
    const note = (await comments(ticket.id)).at(-1);
    expect(note).toMatchObject({ visibility: 'internal', author: { id: 'opsdesk-email' } });
    expect(note.body).toMatch(/uninvolved sender, Mallory <mallory@evil\.example>/);
    expect(note.body).toContain('Please close this.');
    const after = (await http.request('GET', `/tickets/${ticket.id}`)).json;
    expect(after).toMatchObject({ status: 'on_hold', holdReason: 'awaiting_customer', version: version + 1 });
    // The requester never sees it.
    const alice = api(rt, { token: rt.tokenFor('alice', ['requester'], { email: 'alice@example.com' }) });
    const visible = (await alice.request('GET', `/tickets/${ticket.id}/comments`)).json.items;
    expect(visible.some((c: { body: string }) => c.body.includes('let me in'))).toBe(false);
  });

  it('an out-of-office reply to our mail is recorded internally, never answered, and opens nothing', async () => {
    const [ticket] = await ticketsOf('alice@example.com');
    // Mail owed by earlier tests goes out first, so only this test's mail is counted.
    await rt.flushEvents();
    const before = {
      outbox: rt.outbox.length,
      tickets: (await http.request('GET', '/tickets?limit=100')).json.items.length,
    };
    const ack = outboxFor(rt, 'alice@example.com')[0]!;
    await smtp.send({
      from: 'alice@example.com',
      subject: 'Automatic reply: [INC-000001] VPN down since 9:00',
      inReplyTo: ack.messageId,
      headers: { 'Auto-Submitted': 'auto-replied' },
      text: 'I am out of the office until Monday.',
    });
    await smtp.send({
      from: 'erin@example.com',
      subject: 'Out of Office',
      headers: { 'X-Autoreply': 'yes' },
      text: 'away',
    });
    await rt.flushEvents();
    expect((await comments(ticket.id)).at(-1)).toMatchObject({ visibility: 'internal' });
    expect((await comments(ticket.id)).at(-1).body).toMatch(/^Automatic reply from alice@example.com/);
    expect(rt.outbox.length).toBe(before.outbox);
    expect((await http.request('GET', '/tickets?limit=100')).json.items.length).toBe(before.tickets);
    expect(await mailRecords(rt)).toContainEqual(
      expect.objectContaining({
        from: 'erin@example.com',
        outcome: 'dropped',
        reason: expect.stringMatching(/auto-reply/),
      }),
    );
  });

  it('a bounce of our mail is noted on its ticket and changes nothing else', async () => {
    const { ticket } = await newTicketFrom('frank@example.com', 'Printer jam');
    const ack = outboxFor(rt, 'frank@example.com')[0]!;
    const status = ticket.status;
    await smtp.send({
      from: 'Mail Delivery System <MAILER-DAEMON@mx.example.com>',
      to: SUPPORT,
      subject: 'Undelivered Mail Returned to Sender',
      envelope: { from: '', to: [SUPPORT] },
      headers: { 'Return-Path': '<>' },
      text: 'This is the mail system. I am sorry to inform you that your message could not be delivered.',
      attachments: [
        {
          contentType: 'message/rfc822',
          content: `Message-ID: ${ack.messageId}\r\nSubject: ${ack.subject}\r\nFrom: ${SUPPORT}\r\n\r\nbody\r\n`,
        },
      ],
    });
    await rt.flushEvents();
    const note = (await comments(ticket.id)).at(-1);
    expect(note).toMatchObject({ visibility: 'internal' });
    expect(note.body).toMatch(
      /^Delivery failure report from Mail Delivery System <MAILER-DAEMON@mx.example.com>/,
    );
    expect((await http.request('GET', `/tickets/${ticket.id}`)).json.status).toBe(status);
    expect(outboxFor(rt, 'frank@example.com')).toHaveLength(1);
  });

  it('the same Message-ID delivered twice (even at once) makes one ticket', async () => {
    const mail = {
      from: 'grace@example.com',
      subject: 'Duplicate me',
      text: 'once',
      messageId: '<dup@grace.example>',
    };
    const replies = await Promise.all(
      [smtp.send(mail), smtp.send(mail), smtp.send(mail)].map((p) => p.catch((e: Error) => e.message)),
    );
    for (const reply of replies) expect(reply).toMatch(/^250 |451 /);
    await smtp.send(mail).catch(() => undefined);
    await rt.flushEvents();
    expect(await ticketsOf('grace@example.com')).toHaveLength(1);
    expect(outboxFor(rt, 'grace@example.com')).toHaveLength(1);
  });

  it("the requester's reply to a resolved ticket reopens it; an agent's does not", async () => {
    const { ticket, messageId } = await newTicketFrom('mallory@example.com', 'Printer jams');
    const agent = api(rt, { token: agentToken });
    const resolve = () =>
      agent.request('PATCH', `/tickets/${ticket.id}`, {
        body: { status: 'resolved', resolution: { code: 'fixed', notes: 'new roller' } },
      });
    await agent.request('PATCH', `/tickets/${ticket.id}`, { body: { status: 'in_progress' } });
    expect((await resolve()).json).toMatchObject({ status: 'resolved', autoCloseAt: expect.any(String) });
    await smtp.send({
      from: 'mallory@example.com',
      subject: `Re: [${ticket.id}] Printer jams`,
      inReplyTo: messageId,
      text: 'It jammed again this morning.',
    });
    await rt.flushEvents();
    const reopened = (await http.request('GET', `/tickets/${ticket.id}`)).json;
    expect(reopened).toMatchObject({
      status: 'in_progress',
      resolution: null,
      resolvedAt: null,
      autoCloseAt: null,
    });
    const history = (await agent.request('GET', `/tickets/${ticket.id}/history?limit=100`)).json.items;
    expect(history.at(-1).changes).toContainEqual({ field: 'status', from: 'resolved', to: 'in_progress' });

    // Staff mail is a comment like any other: it leaves the resolution alone.
    await resolve();
    await smtp.send({
      from: 'Ann Agent <ann@corp.example>',
      subject: `Re: [${ticket.id}] Printer jams`,
      text: 'Glad it works now.',
    });
    await rt.flushEvents();
    expect((await http.request('GET', `/tickets/${ticket.id}`)).json.status).toBe('resolved');
  });

  it('a reply to a closed ticket opens a new ticket linked relates_to the old one', async () => {
    const { ticket, messageId } = await newTicketFrom('heidi@example.com', 'Old problem');
    const agent = api(rt, { token: agentToken });
    await agent.request('PATCH', `/tickets/${ticket.id}`, {
      body: { status: 'resolved', resolution: { code: 'fixed', notes: 'done' } },
    });
    await agent.request('PATCH', `/tickets/${ticket.id}`, { body: { status: 'closed' } });
    await smtp.send({
      from: 'heidi@example.com',
      subject: `Re: [${ticket.id}] Old problem`,
      inReplyTo: messageId,
      text: 'It is back.',
    });
    await rt.flushEvents();
    const tickets = await ticketsOf('heidi@example.com');
    const followUp = tickets.find((t: { id: string }) => t.id !== ticket.id);
    expect(followUp).toMatchObject({ title: 'Old problem', description: 'It is back.', status: 'new' });
    expect(followUp.links).toContainEqual({ type: 'relates_to', targetId: ticket.id });
    expect((await http.request('GET', `/tickets/${ticket.id}`)).json.links).toContainEqual({
      type: 'relates_to',
      targetId: followUp.id,
    });
    // The resolution notice, then the follow-up's acknowledgement.
    expect(outboxFor(rt, 'heidi@example.com').map((m) => m.subject)).toEqual([
      `[${ticket.id}] Old problem`,
      `[${ticket.id}] Resolved: Old problem`,
      `[${followUp.id}] Old problem`,
    ]);
  });

  it('machine mail: dropped with a record unless the sender is allowlisted; allowlisted alerts open tickets but are never answered', async () => {
    await smtp.send({
      from: 'news@shop.example',
      subject: 'Big sale',
      headers: { Precedence: 'bulk', 'List-Unsubscribe': '<mailto:x@shop.example>' },
      text: 'buy',
    });
    await smtp.send({
      from: 'alerts@monitor.example',
      subject: 'DISK FULL on db1',
      headers: { 'Auto-Submitted': 'auto-generated' },
      text: '/var 100%',
    });
    await rt.flushEvents();
    expect(await ticketsOf('news@shop.example')).toHaveLength(0);
    expect(await mailRecords(rt)).toContainEqual(
      expect.objectContaining({
        from: 'news@shop.example',
        outcome: 'dropped',
        reason: expect.stringMatching(/allowlist/),
      }),
    );
    expect(await ticketsOf('alerts@monitor.example')).toEqual([
      expect.objectContaining({ title: 'DISK FULL on db1' }),
    ]);
    expect(outboxFor(rt, 'alerts@monitor.example')).toHaveLength(0);
  });

  it('a spam or virus verdict FAIL quarantines the mail: no ticket, a record', async () => {
    await smtp.send({
      from: 'ivan@example.com',
      subject: 'You won',
      headers: { 'X-SES-Spam-Verdict': 'FAIL', 'X-SES-Virus-Verdict': 'PASS' },
      text: 'x',
    });
    expect(await ticketsOf('ivan@example.com')).toHaveLength(0);
    expect(await mailRecords(rt)).toContainEqual(
      expect.objectContaining({
        outcome: 'quarantined',
        reason: 'SES spam verdict FAIL',
        objectKey: expect.stringMatching(/^quarantine\/ses-verdict\//),
      }),
    );
  });

  it('the listener advertises the 10 MB limit (EHLO SIZE) and refuses larger mail in the session (552)', async () => {
    const ehlo = await rawSmtp(rt.smtpPort, ['EHLO client.example\r\n']);
    expect(ehlo).toMatch(/^250[- ]SIZE 10485760\r?$/m);
    // A client that declares the size is refused before it sends anything.
    const declared = await rawSmtp(rt.smtpPort, [
      'EHLO client.example\r\n',
      'MAIL FROM:<judy@example.com> SIZE=11000000\r\n',
    ]);
    expect(declared).toMatch(/^552 /m);
    // One that does not is refused at the end of the data; the ingest never sees it.
    const refused = await smtp
      .send({
        from: 'judy@example.com',
        subject: 'huge',
        text: 'x',
        attachments: [{ filename: 'big.bin', content: Buffer.alloc(10.5 * 1024 * 1024, 1) }],
      })
      .then(
        () => undefined,
        (error: { responseCode?: number; response?: string }) => error,
      );
    expect(refused).toMatchObject({
      responseCode: 552,
      response: expect.stringMatching(/10485760-byte limit/),
    });
    expect(await ticketsOf('judy@example.com')).toHaveLength(0);
  });

  it('at most 10 automatic mails per recipient per hour: the 11th and 12th tickets are not acknowledged', async () => {
    for (let i = 1; i <= 12; i++) {
      await smtp.send({ from: 'karl@example.com', subject: `Request ${i}`, text: 'x' });
    }
    await rt.flushEvents();
    expect(await ticketsOf('karl@example.com')).toHaveLength(12);
    expect(outboxFor(rt, 'karl@example.com')).toHaveLength(10);
  });

  it('garbage on the SMTP port gets SMTP errors, never a crash; the listener keeps working', async () => {
    const replies = await rawSmtp(rt.smtpPort, [
      'HELLO this is not smtp\r\n',
      Buffer.from([0, 255, 254, 13, 10]),
      'MAIL FROM:<<<>>>\r\n',
      'DATA\r\n',
    ]);
    expect(replies).toMatch(/^220 /m);
    expect(replies).toMatch(/^5\d\d /m);
    const { ticket } = await newTicketFrom('leo@example.com', 'Still alive?');
    expect(ticket).toBeDefined();
  });

  it('throughput: mails per second through SMTP (new tickets, 5 connections)', async () => {
    const count = 40;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: count }, (_, i) =>
        smtp.send({ from: `load${i}@bench.example`, subject: `Load ${i}`, text: 'load test' }),
      ),
    );
    const seconds = (performance.now() - started) / 1000;
    console.info(
      `SMTP ingest: ${count} new-ticket mails in ${seconds.toFixed(2)} s = ${(count / seconds).toFixed(1)} mails/s`,
    );
    const all = (await http.request('GET', '/tickets?limit=100')).json.items;
    expect(
      all.filter((t: { requester: { email: string } }) => t.requester.email.endsWith('@bench.example')),
    ).toHaveLength(count);
  });
});
