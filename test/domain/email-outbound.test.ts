import { describe, expect, it } from 'vitest';
import { boundedText, MAX_TEXT_BYTES, titleFrom } from '../../functions/email/bounded-text.js';
import { composeNotification } from '../../functions/email/outbound.js';
import { admitToWindow, HOUR_MS } from '../../functions/email/send-window.js';
import { tooLargeNoticeMail, tooLargeNoticeOf } from '../../functions/email/sender-notices.js';
import { isListed, judgeSender } from '../../functions/email/sender-policy.js';
import { defaultEmailSettings, ticketTypeFor } from '../../functions/email/settings.js';

const settings = {
  ...defaultEmailSettings('desk.example.com'),
  addresses: [
    { address: 'support@desk.example.com', type: 'incident' as const },
    { address: 'requests@desk.example.com', type: 'service_request' as const },
  ],
};
const ticket = {
  id: 'INC-000042',
  title: 'VPN down',
  requester: { id: 'alice', email: 'alice@example.com', name: 'Alice' },
  resolution: { code: 'fixed' as const, notes: 'Rolled the certificate' },
};
const thread = {
  lastInboundMessageId: '<in2@example.com>',
  messageIds: ['<in1@example.com>', '<in2@example.com>'],
};

describe('composeNotification', () => {
  it('acknowledgement: ticket id in the subject, our Message-ID, threading headers, Auto-Submitted', () => {
    const mail = composeNotification({
      kind: 'acknowledgement',
      eventId: 'E1',
      ticket,
      thread,
      to: ['alice@example.com'],
      settings,
    });
    expect(mail.subject).toBe('[INC-000042] VPN down');
    expect(mail.messageId).toBe('<opsdesk.E1.INC-000042@desk.example.com>');
    expect(mail.inReplyTo).toBe('<in2@example.com>');
    expect(mail.references).toEqual([
      '<ticket.INC-000042@desk.example.com>',
      '<in1@example.com>',
      '<in2@example.com>',
    ]);
    expect(mail.automatic).toBe(true);
    expect(mail.headers).toMatchObject({
      'Auto-Submitted': 'auto-replied',
      'X-Opsdesk-Ticket': 'INC-000042',
      'X-Loop': 'support@desk.example.com',
    });
    expect(mail.text).toContain('INC-000042');
  });

  it('agent comment: a person writing, so no Auto-Submitted; the comment is the body', () => {
    const mail = composeNotification({
      kind: 'agent-comment',
      eventId: 'E2',
      ticket,
      comment: { body: 'Which client version?', author: { id: 'ann', email: null, name: 'Ann' } },
      thread,
      to: ['alice@example.com'],
      cc: ['carol@example.com'],
      settings,
    });
    expect(mail.subject).toBe('Re: [INC-000042] VPN down');
    expect(mail.automatic).toBe(false);
    expect(mail.headers?.['Auto-Submitted']).toBeUndefined();
    expect(mail.cc).toEqual(['carol@example.com']);
    expect(mail.text).toContain('Ann wrote on INC-000042:\n\nWhich client version?');
  });

  it('resolution: automatic, carries the resolution; the same event always gives the same Message-ID', () => {
    const input = {
      kind: 'resolution' as const,
      eventId: 'E3',
      ticket,
      thread: { lastInboundMessageId: undefined, messageIds: [] },
      to: ['alice@example.com'],
      settings,
    };
    const mail = composeNotification(input);
    expect(mail.subject).toBe('[INC-000042] Resolved: VPN down');
    expect(mail.inReplyTo).toBeUndefined();
    expect(mail.references).toEqual(['<ticket.INC-000042@desk.example.com>']);
    expect(mail.text).toContain('Rolled the certificate');
    expect(composeNotification(input).messageId).toBe(mail.messageId);
  });
});

describe('admitToWindow: at most N automatic mails per recipient per sliding hour', () => {
  const now = new Date('2026-11-23T12:00:00.000Z');
  const at = (minutesAgo: number) => new Date(now.getTime() - minutesAgo * 60_000).toISOString();

  it('admits below the limit and records the send', () => {
    const result = admitToWindow([at(50), at(10)], now, 3);
    expect(result.admitted).toBe(true);
    expect(result.sentAt).toEqual([at(50), at(10), now.toISOString()]);
  });

  it('refuses at the limit within the hour, across a clock-hour boundary too', () => {
    const sent = Array.from({ length: 10 }, (_, i) => at(i * 5 + 1)); // 1..46 minutes ago, 11:14–11:59
    expect(admitToWindow(sent, now, 10).admitted).toBe(false);
  });

  it('forgets sends older than the window', () => {
    const sent = Array.from({ length: 10 }, (_, i) => at(61 + i));
    const result = admitToWindow(sent, now, 10);
    expect(result.admitted).toBe(true);
    expect(result.sentAt).toEqual([now.toISOString()]);
    expect(HOUR_MS).toBe(3_600_000);
  });
});

describe('sender lists', () => {
  it.each([
    [{ allow: [], deny: [] }, 'a@example.com', true],
    [{ allow: [], deny: ['example.com'] }, 'a@example.com', false],
    [{ allow: [], deny: ['example.com'] }, 'a@sub.example.com', false],
    [{ allow: [], deny: ['@example.com'] }, 'a@sub.example.com', true],
    [{ allow: [], deny: ['example.com'] }, 'a@notexample.com', true],
    [{ allow: ['boss@example.com'], deny: ['example.com'] }, 'Boss@Example.com', true],
    [{ allow: ['example.com'], deny: ['example.com'] }, 'a@example.com', false],
    [{ allow: ['corp.example'], deny: [] }, 'a@corp.example', true],
    [{ allow: ['corp.example'], deny: [] }, 'a@gmail.com', false],
  ])('%j: %s allowed=%s', (lists, address, allowed) => {
    expect(judgeSender(address, lists).allowed).toBe(allowed);
  });

  it('machine-sender allowlist matches addresses and domains', () => {
    expect(isListed('alerts@nagios.corp.example', ['corp.example'])).toBe(true);
    expect(isListed('zabbix@monitor.example', ['zabbix@monitor.example'])).toBe(true);
    expect(isListed('other@monitor.example', ['zabbix@monitor.example'])).toBe(false);
  });
});

describe('limits on what a mail writes', () => {
  it('titles: 1–200 characters, whitespace collapsed, "(no subject)" when empty', () => {
    expect(titleFrom('  a \n b ')).toBe('a b');
    expect(titleFrom('')).toBe('(no subject)');
    expect(titleFrom('x'.repeat(500))).toHaveLength(200);
  });

  it('bodies: at most 64 KiB of UTF-8, cut on a character boundary with a note', () => {
    expect(boundedText('short')).toEqual({ text: 'short', truncated: false });
    const long = boundedText('ü'.repeat(MAX_TEXT_BYTES));
    expect(long.truncated).toBe(true);
    expect(Buffer.byteLength(long.text, 'utf8')).toBeLessThanOrEqual(MAX_TEXT_BYTES);
    expect(long.text).not.toContain('\uFFFD');
    expect(long.text).toContain('original-message.eml');
  });

  it('ticket type from the address the mail was sent to', () => {
    expect(ticketTypeFor(['Requests@desk.example.com'], settings)).toBe('service_request');
    expect(ticketTypeFor(['support@desk.example.com', 'requests@desk.example.com'], settings)).toBe(
      'incident',
    );
    expect(ticketTypeFor(['someone@else.example'], settings)).toBe('incident');
  });
});

describe('the "message too large" notice', () => {
  const notice = {
    eventId: 'too-large.abc',
    to: 'judy@example.com',
    subject: 'Scans\r\nBcc: evil@example.com',
    inReplyTo: '<big@judy.example>',
    size: 12 * 1024 * 1024,
    limit: 10 * 1024 * 1024,
  };

  it('is automatic mail, threaded onto the refused mail, saying the size and the limit', () => {
    const mail = tooLargeNoticeMail(notice, settings);
    expect(mail).toMatchObject({
      to: ['judy@example.com'],
      subject: 'Message too large: Scans Bcc: evil@example.com',
      messageId: '<opsdesk.too-large.abc@desk.example.com>',
      inReplyTo: '<big@judy.example>',
      references: ['<big@judy.example>'],
      automatic: true,
      headers: {
        'X-Loop': 'support@desk.example.com',
        'Auto-Submitted': 'auto-replied',
        'X-Auto-Response-Suppress': 'All',
      },
    });
    expect(mail.text).toContain('it is 12.0 MB');
    expect(mail.text).toContain('at most 10.0 MB');
  });

  it('is read back from its event detail only when complete', () => {
    expect(
      tooLargeNoticeOf({ eventId: 'e', to: 'a@b.example', subject: 's', inReplyTo: null, size: 2, limit: 1 }),
    ).toEqual({
      eventId: 'e',
      to: 'a@b.example',
      subject: 's',
      inReplyTo: null,
      size: 2,
      limit: 1,
    });
    expect(tooLargeNoticeOf({ eventId: 'e', to: 'a@b.example' })).toBeUndefined();
  });
});
