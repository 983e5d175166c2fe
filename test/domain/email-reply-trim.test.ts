import { describe, expect, it } from 'vitest';
import { REPLY_ABOVE_MARKER, trimQuotedReply } from '../../functions/email/reply-trim.js';

describe('trimQuotedReply', () => {
  it.each([
    [
      'Gmail',
      'Works now, thanks!\n\nOn Mon, 23 Nov 2026 at 10:00, Opsdesk <support@desk.example.com> wrote:\n> Which version?\n> old',
    ],
    [
      'Gmail, header wrapped',
      'Works now, thanks!\n\nOn Mon, 23 Nov 2026 at 10:00, Opsdesk Service Desk\n<support@desk.example.com> wrote:\n> old',
    ],
    [
      'German',
      'Works now, thanks!\n\nAm 23.11.2026 um 10:00 schrieb Opsdesk <support@desk.example.com>:\n> alt',
    ],
    ['French', 'Works now, thanks!\n\nLe lun. 23 nov. 2026 à 10:00, Opsdesk a écrit :\n> ancien'],
    [
      'Outlook',
      'Works now, thanks!\n\n________________________________\nFrom: Opsdesk <support@desk.example.com>\nSent: Monday, November 23, 2026 10:00\nTo: Alice\nSubject: [INC-000001] VPN\n\nold text',
    ],
    [
      'Outlook (German)',
      'Works now, thanks!\n\nVon: Opsdesk\nGesendet: Montag, 23. November 2026 10:00\nAn: Alice\nBetreff: x\n\nalt',
    ],
    ['Original Message', 'Works now, thanks!\n\n-----Original Message-----\nFrom: x\nold'],
    ['our own marker', `Works now, thanks!\n\n${REPLY_ABOVE_MARKER}\n\nHello Alice, ...`],
    ['a trailing quote block', 'Works now, thanks!\n\n> quoted line\n> another\n'],
  ])('cuts the quoted history (%s)', (_, text) => {
    expect(trimQuotedReply(text)).toBe('Works now, thanks!');
  });

  it('keeps inline answers between quotes', () => {
    const text = '> Which version?\n5.1.2\n\n> Which OS?\nWindows 11';
    expect(trimQuotedReply(text)).toBe('> Which version?\n5.1.2\n\n> Which OS?\nWindows 11');
  });

  it('keeps the whole text when cutting would leave nothing', () => {
    const text = 'On Mon, 23 Nov 2026 at 10:00, Opsdesk wrote:\n> only a quote';
    expect(trimQuotedReply(text)).toBe(text);
  });

  it('does not cut at ordinary sentences starting with "On"', () => {
    const text = 'On Monday the VPN failed again.\nIt printed: error 42';
    expect(trimQuotedReply(text)).toBe(text);
  });
});
