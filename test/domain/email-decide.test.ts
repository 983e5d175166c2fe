import { describe, expect, it } from 'vitest';
import type { Classification } from '../../functions/email/classify.js';
import { type Decision, type DecisionFacts, decide, type ThreadMatch } from '../../functions/email/decide.js';

const human: Classification = { kind: 'human', reasons: [] };
const open: ThreadMatch = {
  ticket: {
    id: 'INC-000042',
    type: 'incident',
    status: 'in_progress',
    requester: { id: 'alice', email: 'Alice@Example.com', name: 'Alice' },
  },
  participants: ['carol@example.com'],
  matchedBy: 'subject',
};
const closed: ThreadMatch = { ...open, ticket: { ...open.ticket, status: 'closed' } };

function facts(overrides: Partial<DecisionFacts> = {}): DecisionFacts {
  return {
    classification: human,
    sender: { address: 'alice@example.com', name: 'Alice' },
    senderId: undefined,
    senderIsStaff: false,
    senderVerdict: { allowed: true },
    machineSender: false,
    match: undefined,
    newTicketType: 'incident',
    ...overrides,
  };
}

const stranger = { address: 'mallory@evil.example', name: 'Mallory' };

describe('decide: what an incoming mail does', () => {
  const cases: [string, Partial<DecisionFacts>, Decision | { kind: Decision['kind'] }][] = [
    [
      'a new conversation opens a ticket and is acknowledged',
      {},
      { kind: 'create', type: 'incident', answer: true },
    ],
    [
      'the type comes from the address it was sent to',
      { newTicketType: 'service_request' },
      { kind: 'create', type: 'service_request', answer: true },
    ],
    [
      'the requester’s reply is a comment (address compared case-insensitively)',
      { match: open },
      { kind: 'comment', ticketId: 'INC-000042', role: 'requester' },
    ],
    [
      'the requester known by id (an API user) replies',
      { match: open, sender: { address: 'a2@example.com', name: '' }, senderId: 'alice' },
      { kind: 'comment', ticketId: 'INC-000042', role: 'requester' },
    ],
    [
      'the requester’s person replies to a ticket naming only their person id (filed on their behalf)',
      {
        match: {
          ...open,
          ticket: { ...open.ticket, requester: { id: 'person:alice@example.com', email: null, name: null } },
        },
        sender: { address: '<ALICE@example.com>', name: '' },
      },
      { kind: 'comment', ticketId: 'INC-000042', role: 'requester' },
    ],
    [
      'another address is not the person the ticket names',
      {
        match: {
          ...open,
          ticket: { ...open.ticket, requester: { id: 'person:alice@example.com', email: null, name: null } },
        },
        sender: stranger,
      },
      { kind: 'note', ticketId: 'INC-000042', why: 'uninvolved' },
    ],
    [
      'an agent’s reply is a comment',
      { match: open, sender: { address: 'ann@corp.example', name: 'Ann' }, senderIsStaff: true },
      { kind: 'comment', ticketId: 'INC-000042', role: 'staff' },
    ],
    [
      'a Cc participant’s reply is a comment',
      { match: open, sender: { address: 'CAROL@example.com', name: '' } },
      { kind: 'comment', ticketId: 'INC-000042', role: 'participant' },
    ],
    [
      'an uninvolved sender quoting the id gets an internal note only',
      { match: open, sender: stranger },
      { kind: 'note', ticketId: 'INC-000042', why: 'uninvolved' },
    ],
    [
      'an uninvolved sender on a closed ticket: still only a note',
      { match: closed, sender: stranger },
      { kind: 'note', ticketId: 'INC-000042', why: 'uninvolved' },
    ],
    [
      'an agent’s mail on a closed ticket is an internal comment, not a new ticket of theirs',
      { match: closed, sender: { address: 'ann@corp.example', name: 'Ann' }, senderIsStaff: true },
      { kind: 'comment', ticketId: 'INC-000042', role: 'staff', internal: true },
    ],
    [
      'the requester replying to a closed ticket opens a new linked one',
      { match: closed },
      { kind: 'create', type: 'incident', answer: true, relatesTo: 'INC-000042' },
    ],
    [
      'a bounce that threads is an internal note',
      {
        match: open,
        classification: { kind: 'bounce', reasons: ['x'] },
        sender: { address: 'MAILER-DAEMON@mx', name: '' },
      },
      { kind: 'note', ticketId: 'INC-000042', why: 'bounce' },
    ],
    [
      'an out-of-office reply that threads is an internal note',
      { match: open, classification: { kind: 'auto-reply', reasons: ['x'] } },
      { kind: 'note', ticketId: 'INC-000042', why: 'auto-reply' },
    ],
    [
      'a bounce about nothing is dropped',
      { classification: { kind: 'bounce', reasons: ['x'] } },
      { kind: 'drop' },
    ],
    [
      'an auto-reply about nothing is dropped',
      { classification: { kind: 'auto-reply', reasons: ['x'] } },
      { kind: 'drop' },
    ],
    [
      'bulk mail from an unknown sender is dropped',
      { classification: { kind: 'bulk', reasons: ['precedence: bulk'] } },
      { kind: 'drop' },
    ],
    [
      'bulk mail from an allowlisted monitor opens a ticket, never answered',
      { classification: { kind: 'bulk', reasons: ['x'] }, machineSender: true },
      { kind: 'create', type: 'incident', answer: false },
    ],
    [
      'an allowlisted monitor’s follow-up threads as a comment',
      {
        classification: { kind: 'bulk', reasons: ['x'] },
        machineSender: true,
        match: open,
        sender: { address: 'alice@example.com', name: '' },
      },
      { kind: 'comment', ticketId: 'INC-000042', role: 'requester' },
    ],
    [
      'our own mail coming back is dropped, even when allowlisted',
      { classification: { kind: 'loop', reasons: ['x'] }, machineSender: true, match: open },
      { kind: 'drop' },
    ],
    ['a denied sender is dropped', { senderVerdict: { allowed: false, reason: 'denied' } }, { kind: 'drop' }],
    [
      'a denied sender cannot comment either',
      { senderVerdict: { allowed: false, reason: 'denied' }, match: open },
      { kind: 'drop' },
    ],
    ['a mail without a sender is dropped', { sender: undefined }, { kind: 'drop' }],
  ];

  it.each(cases)('%s', (_, overrides, expected) => {
    const decision = decide(facts(overrides));
    if (Object.keys(expected).length === 1) expect(decision.kind).toBe(expected.kind);
    else expect(decision).toEqual(expected);
    if (decision.kind === 'drop') expect(decision.reason.length).toBeGreaterThan(0);
  });
});
