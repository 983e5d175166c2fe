import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiClient,
  type ApiResponse,
  api,
  type LocalRuntime,
  startTestRuntime,
} from '../support/runtime.js';
import { outboxFor, SUPPORT, smtpClient } from './email-support.js';

/**
 * What becomes of mail that opens no ticket, over SMTP and HTTP (issue 14 item 3): the operators'
 * list of mail outcomes, the one "message too large" reply, the no-reply rule off by default, and
 * undeclared 8-bit headers read in the charset they are in. The listener here takes what SES takes
 * (40 MB), so mail over the gateway's limit (256 KiB in this stack) reaches the ingest's refusal,
 * as it does on AWS.
 */
const LIMIT = 256 * 1024;

describe('mail outcomes', () => {
  let rt: LocalRuntime;
  let admin: ApiClient;
  let smtp: ReturnType<typeof smtpClient>;

  beforeAll(async () => {
    rt = await startTestRuntime({
      smtpSizeLimit: 40 * 1024 * 1024,
      email: { maxMailBytes: LIMIT, autoRepliesPerHour: 2, machineSenders: [] },
    });
    admin = api(rt, { token: rt.adminToken });
    smtp = smtpClient(rt);
  });
  afterAll(async () => {
    smtp?.close();
    await rt?.stop();
  });

  const big = (from: string, extra: Record<string, unknown> = {}) => ({
    from,
    subject: 'Scans of the contract',
    text: 'See the attached scans.',
    attachments: [{ filename: 'scans.pdf', content: Buffer.alloc(LIMIT + 1024, 7) }],
    ...extra,
  });

  async function ticketsOf(email: string) {
    const items = (await admin.request('GET', '/tickets?limit=100')).json.items;
    return items.filter((t: { requester: { email: string } }) => t.requester.email === email);
  }

  async function outcomes(query = '') {
    const res = await admin.request('GET', `/mail-outcomes${query}`);
    expect(res.status, res.text).toBe(200);
    return res.json.items as Record<string, unknown>[];
  }

  it('mail over the limit is refused with a record, and its human sender gets one "message too large" reply', async () => {
    const mail = big('Judy Example <judy@example.com>', { messageId: '<big-1@judy.example>' });
    expect(await smtp.send(mail)).toMatch(/^250 /);
    await rt.flushEvents();
    const [reply, ...more] = outboxFor(rt, 'judy@example.com');
    expect(more).toEqual([]);
    expect(reply).toMatchObject({
      subject: 'Message too large: Scans of the contract',
      inReplyTo: '<big-1@judy.example>',
      automatic: true,
      headers: expect.objectContaining({ 'Auto-Submitted': 'auto-replied', 'X-Loop': SUPPORT }),
    });
    expect(reply!.text).toContain('at most 0.3 MB');

    // Delivered again: a duplicate, recorded; still one reply, still no ticket.
    expect(await smtp.send(mail)).toMatch(/^250 /);
    await rt.flushEvents();
    expect(outboxFor(rt, 'judy@example.com')).toHaveLength(1);
    expect(await ticketsOf('judy@example.com')).toEqual([]);
    const judy = await outcomes('?sender=Judy@Example.com');
    expect(judy).toEqual([
      expect.objectContaining({
        outcome: 'duplicate',
        reason: expect.stringMatching(/^already processed: refused/),
      }),
      expect.objectContaining({
        outcome: 'refused',
        from: 'judy@example.com',
        subject: 'Scans of the contract',
        messageId: '<big-1@judy.example>',
        reason: expect.stringMatching(new RegExp(`exceeds the ${LIMIT}-byte limit`)),
      }),
    ]);
    expect(JSON.stringify(judy)).not.toContain('objectKey');
  });

  it('machine senders and no-reply addresses get no reply; nor does a sender past the automatic-mail limit', async () => {
    await smtp.send(big('alerts@monitor.example', { headers: { 'Auto-Submitted': 'auto-generated' } }));
    await smtp.send(big('noreply@shop.example'));
    // Two acknowledgements use up karl's automatic mail for the hour (2 in this stack).
    await smtp.send({ from: 'karl@example.com', subject: 'Printer', text: 'x' });
    await smtp.send({ from: 'karl@example.com', subject: 'Scanner', text: 'x' });
    await smtp.send(big('karl@example.com'));
    await rt.flushEvents();
    expect(outboxFor(rt, 'alerts@monitor.example')).toEqual([]);
    expect(outboxFor(rt, 'noreply@shop.example')).toEqual([]);
    expect(outboxFor(rt, 'karl@example.com').map((m) => m.subject)).toEqual([
      expect.stringMatching(/Printer$/),
      expect.stringMatching(/Scanner$/),
    ]);
    const refused = await outcomes('?outcome=refused&limit=100');
    expect(refused.map((r) => r.from)).toEqual(
      expect.arrayContaining(['alerts@monitor.example', 'noreply@shop.example', 'karl@example.com']),
    );
  });

  it('an order confirmation from noreply@ opens a ticket (the no-reply rule is off by default) and is not answered', async () => {
    await smtp.send({
      from: 'Shop <noreply@orders.example>',
      subject: 'Your order 4711: confirmation',
      text: 'Please find your order confirmation attached.',
      attachments: [
        {
          filename: 'order-4711.pdf',
          content: Buffer.from('%PDF-1.4 order'),
          contentType: 'application/pdf',
        },
      ],
    });
    await rt.flushEvents();
    const [ticket] = await ticketsOf('noreply@orders.example');
    expect(ticket).toMatchObject({ title: 'Your order 4711: confirmation', source: 'email' });
    expect(outboxFor(rt, 'noreply@orders.example')).toEqual([]);
  });

  it('undeclared 8-bit headers and text are read in the charset they are in (a GB2312 subject), not as Latin-1', async () => {
    const subject = iconv.encode('关于打印机的问题', 'gb2312');
    const body = iconv.encode('您好，打印机无法打印。', 'gb2312');
    const raw = Buffer.concat([
      Buffer.from('From: Li Wei <li.wei@example.cn>\r\nTo: support@opsdesk.local\r\nSubject: '),
      subject,
      Buffer.from('\r\nMessage-ID: <gb2312@example.cn>\r\nMIME-Version: 1.0\r\n\r\n'),
      body,
      Buffer.from('\r\n'),
    ]);
    expect(await smtp.send({ envelope: { from: 'li.wei@example.cn', to: [SUPPORT] }, raw })).toMatch(/^250 /);
    const [ticket] = await ticketsOf('li.wei@example.cn');
    expect(ticket).toMatchObject({ title: '关于打印机的问题', description: '您好，打印机无法打印。' });
  });

  it('GET /mail-outcomes lists every outcome newest first, filters by outcome and sender, pages with a cursor', async () => {
    await smtp.send({
      from: 'news@shop.example',
      subject: 'Big sale',
      headers: { Precedence: 'bulk', 'List-Unsubscribe': '<mailto:x@shop.example>' },
      text: 'buy',
    });
    await smtp.send({
      from: 'ivan@example.com',
      subject: 'You won',
      headers: { 'X-SES-Spam-Verdict': 'FAIL' },
      text: 'x',
    });
    const all = await outcomes('?limit=100');
    expect(new Set(all.map((r) => r.outcome))).toEqual(
      new Set(['refused', 'duplicate', 'dropped', 'quarantined']),
    );
    const ats = all.map((r) => r.at as string);
    expect(ats).toEqual([...ats].sort().reverse());
    expect(await outcomes('?outcome=dropped')).toEqual([
      expect.objectContaining({
        from: 'news@shop.example',
        reason: expect.stringMatching(/allowlist/),
        classification: expect.objectContaining({ kind: 'bulk' }),
      }),
    ]);
    expect(await outcomes('?outcome=quarantined&sender=ivan@example.com')).toEqual([
      expect.objectContaining({
        from: 'ivan@example.com',
        reason: 'SES spam verdict FAIL',
        subject: 'You won',
      }),
    ]);
    expect(await outcomes('?outcome=dropped&sender=ivan@example.com')).toEqual([]);

    const seen: unknown[] = [];
    let cursor: string | null = null;
    do {
      const res: ApiResponse = await admin.request(
        'GET',
        `/mail-outcomes?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(res.status).toBe(200);
      expect(res.json.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.json.items);
      cursor = res.json.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);
  });

  it('answers 403 to anyone but an admin and 400 to an unknown outcome', async () => {
    const agent = rt.tokenFor('ann', ['agent']);
    expect((await admin.request('GET', '/mail-outcomes', { token: agent })).status).toBe(403);
    const bad = await admin.request('GET', '/mail-outcomes?outcome=lost');
    expect(bad.status).toBe(400);
    expect(bad.json.errors).toEqual([expect.objectContaining({ path: 'outcome' })]);
  });
});
