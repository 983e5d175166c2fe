import { describe, expect, it } from 'vitest';
import { surveyMail } from '../../functions/csat/survey-mail.js';
import { headerSafeMail } from '../../functions/email/outbound-headers.js';
import { defaultEmailSettings } from '../../functions/email/settings.js';
import { lowRatingMail, lowRatingOf, staffNoticeFor } from '../../functions/email/staff-notices.js';

const settings = defaultEmailSettings('desk.example.com');
const LINK = `https://api.example.com/surveys/${'A'.repeat(43)}`;

describe('survey mail (§7 automatic mail)', () => {
  const mail = surveyMail({
    ticket: {
      id: 'INC-000042',
      title: 'Printer\r\nBcc: victim@example.com',
      requester: { id: 'rita', email: 'rita@example.com', name: 'Rita' },
    },
    survey: {
      question: 'How did we do?',
      expiresAt: '2026-12-21T10:00:00.000Z',
      sentAt: '2026-12-07T10:00:00.000Z',
    },
    to: 'rita@example.com',
    link: LINK,
    settings,
    thread: { lastInboundMessageId: '<abc@mail.example.com>', messageIds: ['<abc@mail.example.com>'] },
  });

  it('carries the ticket id, a Message-ID of ours, threading and the automatic-mail headers', () => {
    expect(mail.subject).toBe('[INC-000042] How did we do? Printer Bcc: victim@example.com');
    expect(mail.messageId).toMatch(/^<csat\.[0-9a-z]+\.INC-000042@desk\.example\.com>$/);
    expect(mail.inReplyTo).toBe('<abc@mail.example.com>');
    expect(mail.references).toEqual(['<ticket.INC-000042@desk.example.com>', '<abc@mail.example.com>']);
    expect(mail.automatic).toBe(true);
    expect(mail.headers).toMatchObject({
      'Auto-Submitted': 'auto-generated',
      'X-Auto-Response-Suppress': 'All',
      'X-Opsdesk-Ticket': 'INC-000042',
      'X-Loop': 'support@desk.example.com',
    });
  });

  it('keeps control characters out of every header, as the senders put them on the wire', () => {
    const safe = headerSafeMail(mail);
    for (const value of [safe.subject, ...Object.values(safe.headers ?? {})]) {
      expect([...value].some((char) => char.charCodeAt(0) < 0x20)).toBe(false);
    }
  });

  it('links the form and one pre-selecting link per rating, in plain text', () => {
    expect(mail.text).toContain(`\n${LINK}\n`);
    for (const rating of [1, 2, 3, 4, 5]) expect(mail.text).toContain(`${LINK}?rating=${rating}`);
    expect(mail.text).toContain('2026-12-21');
    expect(mail.text).not.toMatch(/<a |<html/i);
  });
});

describe('low-rating notice (through the notifier)', () => {
  it('answers only a low rating of a Feedback Received event', () => {
    expect(staffNoticeFor('Feedback Received')).toBe('low-rating');
    expect(lowRatingOf({ rating: 2, low: true, comment: 'Slow' })).toEqual({ rating: 2, comment: 'Slow' });
    expect(lowRatingOf({ rating: 4, low: false })).toBeUndefined();
    expect(lowRatingOf({ rating: '1', low: true })).toBeUndefined();
  });

  it('tells the group the rating, the comment and who had the ticket', () => {
    const notice = lowRatingMail({
      eventId: '01JEVENT',
      ticket: {
        id: 'INC-000042',
        title: 'Printer',
        requester: { id: 'rita', email: 'rita@example.com', name: 'Rita' },
        group: 'service-desk',
        assignee: 'ann',
      },
      rating: { rating: 1, comment: 'Nobody called back' },
      to: ['desk@example.com'],
      settings,
    });
    expect(notice.subject).toBe('[INC-000042] Low satisfaction rating (1/5): Printer');
    expect(notice.to).toEqual(['desk@example.com']);
    expect(notice.text).toContain('Rita rated INC-000042 1 out of 5.');
    expect(notice.text).toContain('Nobody called back');
    expect(notice.text).toContain('Group: service-desk; assignee: ann.');
    expect(notice.messageId).toBe('<csat-low-01JEVENT@desk.example.com>');
  });
});
