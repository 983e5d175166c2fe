import { describe, expect, it } from 'vitest';
import { acceptsAutomaticMail } from '../../functions/email/address-forms.js';
import { classifyMail, type MailKind } from '../../functions/email/classify.js';
import type { ParsedMail } from '../../functions/email/model.js';

const context = { ownDomains: ['desk.example.com'], ownAddresses: ['support@desk.example.com'] };

function mail(overrides: Partial<ParsedMail> & { extraHeaders?: [string, string][] } = {}): ParsedMail {
  const { extraHeaders = [], ...rest } = overrides;
  return {
    messageId: '<m@example.com>',
    inReplyTo: [],
    references: [],
    from: { address: 'alice@example.com', name: 'Alice' },
    to: [],
    cc: [],
    subject: 'Printer broken',
    date: undefined,
    text: 'hello',
    html: '',
    body: 'hello',
    headers: [
      { key: 'from', value: 'Alice <alice@example.com>' },
      ...extraHeaders.map(([key, value]) => ({ key, value })),
    ],
    contentType: 'text/plain',
    reportType: undefined,
    attachments: [],
    embedded: { messageIds: [], subjects: [] },
    ...rest,
  };
}

describe('classifyMail: the signals of docs/email.md, any one enough', () => {
  const cases: [string, Partial<ParsedMail> & { extraHeaders?: [string, string][] }, MailKind][] = [
    ['an ordinary mail', {}, 'human'],
    ['Auto-Submitted: no', { extraHeaders: [['auto-submitted', 'no']] }, 'human'],
    ['Auto-Submitted: auto-replied', { extraHeaders: [['auto-submitted', 'auto-replied']] }, 'auto-reply'],
    [
      'Auto-Submitted: auto-replied; owner-email=…',
      { extraHeaders: [['auto-submitted', 'auto-replied; owner-email="a@b"']] },
      'auto-reply',
    ],
    ['Auto-Submitted: vacation (Zimbra)', { extraHeaders: [['auto-submitted', 'vacation']] }, 'auto-reply'],
    ['Auto-Submitted: auto-generated', { extraHeaders: [['auto-submitted', 'auto-generated']] }, 'bulk'],
    ['Auto-Submitted: auto-notified', { extraHeaders: [['auto-submitted', 'auto-notified']] }, 'bulk'],
    ['X-Autoreply', { extraHeaders: [['x-autoreply', 'yes']] }, 'auto-reply'],
    ['X-Autorespond', { extraHeaders: [['x-autorespond', 'on']] }, 'auto-reply'],
    ['X-Auto-Response-Suppress', { extraHeaders: [['x-auto-response-suppress', 'All']] }, 'bulk'],
    ['Precedence: bulk', { extraHeaders: [['precedence', 'bulk']] }, 'bulk'],
    ['Precedence: junk', { extraHeaders: [['precedence', 'junk']] }, 'bulk'],
    ['Precedence: list', { extraHeaders: [['precedence', 'list']] }, 'bulk'],
    ['Precedence: first-class', { extraHeaders: [['precedence', 'first-class']] }, 'human'],
    ['List-Unsubscribe', { extraHeaders: [['list-unsubscribe', '<mailto:u@x>']] }, 'bulk'],
    ['List-Id', { extraHeaders: [['list-id', '<users.lists.example.org>']] }, 'bulk'],
    ['X-Loop naming someone else', { extraHeaders: [['x-loop', 'helpdesk@other.example']] }, 'bulk'],
    ['X-Loop naming this stack', { extraHeaders: [['x-loop', 'support@desk.example.com']] }, 'loop'],
    ['a Message-ID of this stack', { messageId: '<opsdesk.1.INC-000001@desk.example.com>' }, 'loop'],
    ['our own X-Opsdesk-Ticket header', { extraHeaders: [['x-opsdesk-ticket', 'INC-000001']] }, 'loop'],
    ['sent from our support address', { from: { address: 'Support@Desk.Example.com', name: '' } }, 'loop'],
    ['an empty Return-Path', { extraHeaders: [['return-path', '<>']] }, 'bounce'],
    ['MAILER-DAEMON', { from: { address: 'MAILER-DAEMON@mx.example.com', name: '' } }, 'bounce'],
    ['postmaster', { from: { address: 'postmaster@example.com', name: '' } }, 'bounce'],
    ['no sender at all', { from: undefined }, 'bounce'],
    ['multipart/report (DSN)', { contentType: 'multipart/report', reportType: 'delivery-status' }, 'bounce'],
    ['multipart/report (ARF)', { contentType: 'multipart/report', reportType: 'feedback-report' }, 'bounce'],
    ['Undeliverable: …', { subject: 'Undeliverable: Printer broken' }, 'bounce'],
    [
      'Delivery Status Notification (Failure)',
      { subject: 'Delivery Status Notification (Failure)' },
      'bounce',
    ],
    ['Returned mail: see transcript', { subject: 'Returned mail: see transcript for details' }, 'bounce'],
    ['Unzustellbar: …', { subject: 'Unzustellbar: Drucker' }, 'bounce'],
    ['Out of Office: …', { subject: 'Out of Office: Printer broken' }, 'auto-reply'],
    ['Automatic reply: …', { subject: 'Automatic reply: Printer broken' }, 'auto-reply'],
    ['AW: Abwesenheitsnotiz', { subject: 'AW: Abwesenheitsnotiz' }, 'auto-reply'],
    ['Réponse automatique', { subject: 'Réponse automatique : absence' }, 'auto-reply'],
    [
      'a subject merely mentioning "out of office"',
      { subject: 'Re: how do I set my out of office?' },
      'human',
    ],
    // Not a rule of the product contract: off unless configured (see the test below).
    ['noreply@ sender alone', { from: { address: 'noreply@shop.example.com', name: '' } }, 'human'],
    [
      'bounce beats auto-reply and bulk',
      {
        subject: 'Undeliverable: x',
        extraHeaders: [
          ['auto-submitted', 'auto-replied'],
          ['precedence', 'bulk'],
        ],
      },
      'bounce',
    ],
    ['loop beats everything', { messageId: '<x@desk.example.com>', subject: 'Undeliverable: x' }, 'loop'],
  ];

  it.each(cases)('%s → %s', (_, overrides, kind) => {
    const result = classifyMail(mail(overrides), context);
    expect(result.kind).toBe(kind);
    if (kind !== 'human') expect(result.reasons.length).toBeGreaterThan(0);
    else expect(result.reasons).toEqual([]);
  });

  it('a no-reply sender is machine mail by that alone only when configured', () => {
    const from = (address: string) => mail({ from: { address, name: '' } });
    for (const address of ['noreply@shop.example.com', 'do-not-reply@x.example', 'no_reply+7@x.example']) {
      expect(classifyMail(from(address), context).kind, address).toBe('human');
      const strict = classifyMail(from(address), { ...context, noReplySendersAreMachines: true });
      expect(strict, address).toEqual({ kind: 'bulk', reasons: [`no-reply sender ${address}`] });
    }
    // Headers that say so still make it machine mail either way.
    const bulk = mail({
      from: { address: 'noreply@shop.example.com', name: '' },
      extraHeaders: [['precedence', 'bulk']],
    });
    expect(classifyMail(bulk, context).kind).toBe('bulk');
  });

  it('a delivery-status part alone marks a bounce, whatever the top-level type', () => {
    const withPart = mail({
      contentType: 'multipart/mixed',
      attachments: [
        {
          filename: 'a',
          contentType: 'message/delivery-status',
          size: 1,
          content: new Uint8Array(1),
          contentId: null,
          inline: false,
        },
      ],
    });
    expect(classifyMail(withPart, context).kind).toBe('bounce');
  });
});

describe('acceptsAutomaticMail (never answer system mailboxes)', () => {
  it.each([
    ['alice@example.com', true],
    ['mailer-daemon@example.com', false],
    ['postmaster@example.com', false],
    ['no-reply@example.com', false],
    ['noreply+abc@example.com', false],
    ['do-not-reply@example.com', false],
    ['root@example.com', false],
    ['MAILER-DAEMON', false],
  ])('%s → %s', (address, expected) => {
    expect(acceptsAutomaticMail(address)).toBe(expected);
  });
});
