import type { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import PostalMime from 'postal-mime';
import { describe, expect, it } from 'vitest';
import type { OutboundMail } from '../../functions/email/mail/mail-sender.js';
import { OutboxMailSender } from '../../functions/email/mail/outbox-mail.js';
import { SesMailSender } from '../../functions/email/mail/ses-mail-sender.js';
import { composeNotification, type NotificationKind } from '../../functions/email/outbound.js';
import {
  headerText,
  mailbox,
  renderMessage,
  wireHeaderFields,
} from '../../functions/email/outbound-headers.js';
import { defaultEmailSettings } from '../../functions/email/settings.js';

/**
 * Hostile-client report, defect A: a title `Printer\r\nBcc: attacker@evil.example` reached the
 * Subject of the notification raw. Whatever is stored, the mail we send has no injected header;
 * defect B: user text in a mail is plain text, never an HTML part carrying active content.
 */
const settings = defaultEmailSettings('desk.example.com');
const INJECTED_TITLE = 'Printer\r\nBcc: attacker@evil.example';
const ACTIVE_CONTENT = '<script>alert(1)</script><img src=x onerror=alert(1)>';
const thread = { lastInboundMessageId: '<in1@example.com>', messageIds: ['<in1@example.com>'] };

function ticketTitled(title: string) {
  return {
    id: 'INC-000042',
    title,
    requester: { id: 'alice', email: 'alice@example.com', name: 'Alice' },
    resolution: { code: 'fixed' as const, notes: ACTIVE_CONTENT },
  };
}

function notification(kind: NotificationKind, title: string, body = 'Which client version?'): OutboundMail {
  return composeNotification({
    kind,
    eventId: 'E1',
    ticket: ticketTitled(title),
    comment: { body, author: { id: 'ann', email: 'ann@desk.example.com', name: 'Ann' } },
    thread,
    to: ['alice@example.com'],
    settings,
  });
}

/** The header block of a rendered message, unfolded (a CRLF followed by white space joins lines). */
function headerLines(raw: string): string[] {
  const block = raw.slice(0, raw.indexOf('\r\n\r\n'));
  return block.replace(/\r\n(?=[ \t])/g, '').split('\r\n');
}

/** Field names of the header block, lower case. */
function fieldNames(raw: string): string[] {
  return headerLines(raw).map((line) => line.slice(0, line.indexOf(':')).toLowerCase());
}

const render = (mail: OutboundMail) =>
  renderMessage(mail, { from: 'Opsdesk <support@desk.example.com>', date: new Date(0) });

/** An SESv2 client that records what it is asked to send. */
function fakeSes() {
  const sent: SendEmailCommand['input'][] = [];
  const client = {
    send: async (command: SendEmailCommand) => {
      sent.push(command.input);
      return { MessageId: 'ses-1' };
    },
  } as unknown as SESv2Client;
  return { client, sent };
}

describe('outgoing headers never carry injected lines', () => {
  for (const kind of ['acknowledgement', 'agent-comment', 'resolution'] as const) {
    it(`${kind}: a title with CR/LF stays inside the Subject`, async () => {
      const mail = notification(kind, INJECTED_TITLE);
      expect(mail.subject).not.toMatch(/[\r\n]/);
      expect(mail.subject).toContain('Printer Bcc: attacker@evil.example');

      const raw = render(mail);
      // Every physical line is a field or a fold (continuation starting with white space).
      for (const line of raw.slice(0, raw.indexOf('\r\n\r\n')).split('\r\n')) {
        expect(line).toMatch(/^([!-9;-~]+:|[ \t])/);
      }
      expect(raw.slice(0, raw.indexOf('\r\n\r\n'))).not.toMatch(/[\r\n]bcc:/i);
      expect(fieldNames(raw)).not.toContain('bcc');
      for (const line of headerLines(raw)) expect(line).toMatch(/^[\x20-\x7e]+$/);

      const parsed = await PostalMime.parse(raw);
      expect(parsed.headers.map((h) => h.key)).not.toContain('bcc');
      expect(parsed.subject).toContain('[INC-000042]');
      expect(parsed.subject).toContain('Printer Bcc: attacker@evil.example');
      expect(parsed.to?.map((a) => a.address)).toEqual(['alice@example.com']);
    });
  }

  it('mail composed elsewhere (SLA sweeper, change workflow) from stored text is made safe by the sender', async () => {
    const mail: OutboundMail = {
      to: ['noc@example.com', 'victim@example.com\r\nBcc: attacker@evil.example'],
      cc: ['x@example.com>, <attacker@evil.example'],
      subject: `[INC-000042] SLA breached: ${INJECTED_TITLE}\u2028X-Evil: 1\u0000\u007f\u0085`,
      text: 'body',
      messageId: '<sla-1@desk.example.com>',
      inReplyTo: '<a@example.com>\r\nBcc: attacker@evil.example',
      references: ['<root@desk.example.com>', '<x@y>\nBcc: attacker@evil.example', '<b c@example.com>'],
      automatic: true,
      headers: {
        'X-Opsdesk-Ticket': 'INC-000042\r\nBcc: attacker@evil.example',
        'X-Note': 'Jörg\nBcc: attacker@evil.example',
        Bcc: 'attacker@evil.example',
        'Bad Name': 'x',
        'X-Evil:\r\nBcc': 'x',
      },
    };
    const raw = render(mail);
    expect(fieldNames(raw)).not.toContain('bcc');
    expect(fieldNames(raw)).not.toContain('x-evil');
    for (const line of headerLines(raw)) expect(line).toMatch(/^[\x20-\x7e]+$/);
    const parsed = await PostalMime.parse(raw);
    expect(parsed.headers.map((h) => h.key)).not.toContain('bcc');
    expect(parsed.to?.map((a) => a.address)).toEqual(['noc@example.com']);
    expect(parsed.cc).toBeUndefined();
    expect(parsed.inReplyTo).toBe('<a@example.com>');
    expect(parsed.references).toBe('<root@desk.example.com> <x@y>');
    expect(parsed.subject).toBe('[INC-000042] SLA breached: Printer Bcc: attacker@evil.example X-Evil: 1');
    const header = (key: string) => parsed.headers.find((h) => h.key === key)?.value;
    expect(header('x-opsdesk-ticket')).toBe('INC-000042 Bcc: attacker@evil.example');
    // Non-ASCII goes as RFC 2047 encoded words (raw), which readers decode.
    expect(headerLines(raw).find((l) => l.startsWith('X-Note:'))).toMatch(/^X-Note: =\?UTF-8\?B\?/);
  });

  it('non-ASCII subjects are encoded words that decode back; text that looks encoded is encoded too', async () => {
    const mail = notification(
      'acknowledgement',
      'Drucker im 3. Stock – Jörg sagt 打印机坏了 '.repeat(4).trim(),
    );
    const raw = render(mail);
    const subjectLine = headerLines(raw).find((line) => line.startsWith('Subject:'))!;
    expect(subjectLine).toMatch(/^Subject: (=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?= ?)+$/);
    for (const word of subjectLine.slice('Subject: '.length).split(' '))
      expect(word.length).toBeLessThanOrEqual(75);
    expect((await PostalMime.parse(raw)).subject).toBe(mail.subject);

    const sneaky = '=?UTF-8?B?UHJpbnRlcg0KQmNjOiBhdHRhY2tlckBldmlsLmV4YW1wbGU=?=';
    expect(headerText(sneaky)).not.toBe(sneaky);
    const parsed = await PostalMime.parse(render(notification('acknowledgement', sneaky)));
    expect(parsed.subject).toBe(`[INC-000042] ${sneaky}`);
  });

  it('display names are quoted or encoded, never raw', () => {
    expect(mailbox('ann@example.com', 'Ann Agent')).toBe('Ann Agent <ann@example.com>');
    expect(mailbox('ann@example.com', 'Agent, Ann "A"')).toBe('"Agent, Ann \\"A\\"" <ann@example.com>');
    expect(mailbox('ann@example.com', 'Ann\r\nBcc: attacker@evil.example')).toBe(
      '"Ann Bcc: attacker@evil.example" <ann@example.com>',
    );
    expect(mailbox('joerg@example.com', 'Jörg')).toBe('=?UTF-8?B?SsO2cmc=?= <joerg@example.com>');
    expect(mailbox('a@example.com\r\nBcc: attacker@evil.example', 'A')).toBeUndefined();
    expect(
      wireHeaderFields(notification('acknowledgement', 't'), {
        from: 'Service\r\nBcc: x@evil.example <support@desk.example.com>',
      })[0],
    ).toEqual({ name: 'From', value: '"Service Bcc: x@evil.example" <support@desk.example.com>' });
  });
});

describe('the mail senders write only safe headers', () => {
  it('SES: Subject and every header value are one line of printable ASCII; no custom Bcc', async () => {
    const { client, sent } = fakeSes();
    const ses = new SesMailSender(client, 'support@desk.example.com', 'eu-west-1');
    const mail = notification('agent-comment', `${INJECTED_TITLE} – Jörg`);
    await ses.send({
      ...mail,
      to: [...mail.to, 'victim@example.com\r\nBcc: attacker@evil.example'],
      headers: {
        ...mail.headers,
        Bcc: 'attacker@evil.example',
        'X-Extra': 'a\r\nBcc: attacker@evil.example',
      },
    });
    const input = sent[0]!;
    const simple = input.Content!.Simple!;
    expect(simple.Subject!.Data).toMatch(/^[\x20-\x7e]+$/);
    expect(simple.Subject!.Data).toMatch(/^=\?UTF-8\?B\?/);
    const decoded = await PostalMime.parse(`Subject: ${simple.Subject!.Data}\r\n\r\n`);
    expect(decoded.subject).toBe('Re: [INC-000042] Printer Bcc: attacker@evil.example – Jörg');
    expect(input.Destination).toEqual({ ToAddresses: ['alice@example.com'], CcAddresses: undefined });
    for (const header of simple.Headers!) {
      expect(header.Name).toMatch(/^[!-9;-@A-~]{1,126}$/);
      expect(header.Value).toMatch(/^[ -~]{1,870}$/);
      expect(header.Name!.toLowerCase()).not.toBe('bcc');
    }
    expect(simple.Headers!.find((h) => h.Name === 'X-Extra')?.Value).toBe('a Bcc: attacker@evil.example');
    expect(simple.Headers!.find((h) => h.Name === 'References')?.Value).toBe(
      `<ticket.INC-000042@desk.example.com> <in1@example.com> ${mail.messageId}`,
    );
  });

  it('the local outbox keeps the same safe (readable) values', async () => {
    const outbox: OutboundMail[] = [];
    await new OutboxMailSender(outbox, { now: () => new Date(0) }).send(
      notification('resolution', INJECTED_TITLE),
    );
    expect(outbox[0]!.subject).toBe('[INC-000042] Resolved: Printer Bcc: attacker@evil.example');
    for (const value of Object.values(outbox[0]!.headers ?? {})) expect(value).not.toMatch(/[\r\n]/);
  });
});

describe('user text in mail is plain text (defect B)', () => {
  it('a comment with markup goes out verbatim in the only part, text/plain; no HTML part exists', async () => {
    const mail = notification('agent-comment', 'VPN down', ACTIVE_CONTENT);
    expect(Object.keys(mail)).not.toContain('html');
    expect(mail.text).toContain(ACTIVE_CONTENT);

    const raw = render(mail);
    const contentType = headerLines(raw).filter((line) => /^content-type:/i.test(line));
    expect(contentType).toEqual(['Content-Type: text/plain; charset=UTF-8']);
    const parsed = await PostalMime.parse(raw);
    expect(parsed.html).toBeUndefined();
    expect(parsed.text).toContain(ACTIVE_CONTENT);
  });

  it('the resolution notes and the title too; SES is given a text body only', async () => {
    const { client, sent } = fakeSes();
    const mail = notification('resolution', ACTIVE_CONTENT);
    await new SesMailSender(client, 'support@desk.example.com', 'eu-west-1').send(mail);
    const body = sent[0]!.Content!.Simple!.Body!;
    expect(Object.keys(body)).toEqual(['Text']);
    expect(body.Text!.Data).toContain(`Resolution (fixed):\n${ACTIVE_CONTENT}`);
    const parsed = await PostalMime.parse(render(mail));
    expect(parsed.html).toBeUndefined();
  });
});
