import { describe, expect, it } from 'vitest';
import { boundedReferences } from '../../functions/email/outbound.js';
import { cleanTitle, subjectTicketIds, threadCandidates } from '../../functions/email/threading.js';

describe('subject ticket tokens', () => {
  it.each([
    ['Re: [INC-000042] VPN down', ['INC-000042']],
    ['AW: [inc-000042] lower case', ['INC-000042']],
    ['[REQ-000001] and [PRB-1234567] both', ['REQ-000001', 'PRB-1234567']],
    ['[INC-000042] twice [INC-000042]', ['INC-000042']],
    ['INC-000042 without brackets', []],
    ['[INC-42] too short', []],
    ['[Ticket#11162] other system', []],
  ])('%s → %j', (subject, ids) => {
    expect(subjectTicketIds(subject)).toEqual(ids);
  });
});

describe('thread candidates, in the order they are tried', () => {
  it('subject ids, then In-Reply-To, then References newest first, then a returned message’s ids', () => {
    const candidates = threadCandidates({
      messageId: '<self@x>',
      subject: 'Re: [INC-000007] x',
      inReplyTo: ['<parent@x>'],
      references: ['<root@x>', '<middle@x>', '<parent@x>', '<self@x>'],
      embedded: { messageIds: ['<bounced@desk>'], subjects: ['[INC-000008] original'] },
    });
    expect(candidates.ticketIds).toEqual(['INC-000007', 'INC-000008']);
    expect(candidates.messageIds).toEqual(['<parent@x>', '<middle@x>', '<root@x>', '<bounced@desk>']);
  });
});

describe('cleanTitle (follow-up tickets)', () => {
  it.each([
    ['Re: [INC-000042] VPN down', 'VPN down'],
    ['AW: WG: Re[3]: Fwd: Printer', 'Printer'],
    ['SV: Antw: tr: x', 'x'],
    ['Research: not a prefix', 'Research: not a prefix'],
  ])('%s → %s', (subject, title) => {
    expect(cleanTitle(subject)).toBe(title);
  });
});

describe('boundedReferences (RT: first 4 and last 6)', () => {
  it('keeps short lists whole, trims long ones and drops repeats', () => {
    expect(boundedReferences(['<a>', '<b>', '<a>'])).toEqual(['<a>', '<b>']);
    const ids = Array.from({ length: 15 }, (_, i) => `<${i}>`);
    expect(boundedReferences(ids)).toEqual([
      '<0>',
      '<1>',
      '<2>',
      '<3>',
      '<9>',
      '<10>',
      '<11>',
      '<12>',
      '<13>',
      '<14>',
    ]);
  });
});
