import { personIdOf } from '../shared/people.js';
import type { Person, TicketStatus, TicketType } from '../tickets/model.js';
import { type Mailbox, normaliseAddress } from './addresses.js';
import type { Classification } from './classify.js';
import type { SenderVerdict } from './sender-policy.js';

/**
 * What one incoming mail does (docs/email.md#what-one-mail-does), decided from facts gathered beforehand; pure, so the
 * whole rule set is one table of tests (test/domain/email-decide.test.ts).
 */

/** The ticket a mail threads onto, and who is involved in it. */
export interface ThreadMatch {
  readonly ticket: {
    readonly id: string;
    readonly type: TicketType;
    readonly status: TicketStatus;
    readonly requester: Person;
  };
  /** Normalised addresses of the Cc (and other To) recipients of the mail that opened the ticket. */
  readonly participants: readonly string[];
  readonly matchedBy: 'subject' | 'message-id';
}

export interface DecisionFacts {
  readonly classification: Classification;
  readonly sender: Mailbox | undefined;
  /** Directory id of the sender, when known (an API user whose address we have seen, or an earlier email). */
  readonly senderId: string | undefined;
  readonly senderIsStaff: boolean;
  readonly senderVerdict: SenderVerdict;
  /** The sender is on the machine-sender allowlist (monitoring systems). */
  readonly machineSender: boolean;
  readonly match: ThreadMatch | undefined;
  /** The type a new ticket gets (from the address the mail was sent to). */
  readonly newTicketType: TicketType;
}

export type SenderRole = 'requester' | 'staff' | 'participant';

export type Decision =
  | { readonly kind: 'drop'; readonly reason: string }
  /** A new ticket; `answer`: send the acknowledgement; `relatesTo`: a follow-up of a closed ticket. */
  | {
      readonly kind: 'create';
      readonly type: TicketType;
      readonly answer: boolean;
      readonly relatesTo?: string;
    }
  /** A comment by an involved sender: public, except an agent's mail on a closed ticket (internal). */
  | {
      readonly kind: 'comment';
      readonly ticketId: string;
      readonly role: SenderRole;
      readonly internal?: true;
    }
  /** An internal note that changes nothing else. */
  | {
      readonly kind: 'note';
      readonly ticketId: string;
      readonly why: 'uninvolved' | 'bounce' | 'auto-reply';
    };

const FINAL: readonly TicketStatus[] = ['closed', 'cancelled'];

export function decide(facts: DecisionFacts): Decision {
  const { classification, match } = facts;
  if (classification.kind === 'loop') {
    return { kind: 'drop', reason: `our own mail came back (${classification.reasons.join('; ')})` };
  }
  if (!facts.senderVerdict.allowed) return { kind: 'drop', reason: facts.senderVerdict.reason };
  if (!facts.sender) return { kind: 'drop', reason: 'the mail names no sender' };

  if (classification.kind === 'bounce' || classification.kind === 'auto-reply') {
    if (match) return { kind: 'note', ticketId: match.ticket.id, why: classification.kind };
    return { kind: 'drop', reason: `${classification.kind} about no ticket (${classification.reasons[0]})` };
  }
  if (classification.kind === 'bulk' && !facts.machineSender) {
    return {
      kind: 'drop',
      reason: `machine mail from a sender not on the machine-sender allowlist (${classification.reasons[0]})`,
    };
  }
  // Human mail, or machine mail from an allowlisted system; only human mail is ever answered.
  const answer = classification.kind === 'human';
  if (!match) return { kind: 'create', type: facts.newTicketType, answer };

  const role = roleOf(facts, match);
  if (!role) return { kind: 'note', ticketId: match.ticket.id, why: 'uninvolved' };
  if (FINAL.includes(match.ticket.status)) {
    // An agent answering on a closed ticket is not a new request of theirs: an internal note.
    if (role === 'staff') return { kind: 'comment', ticketId: match.ticket.id, role, internal: true };
    return { kind: 'create', type: match.ticket.type, answer, relatesTo: match.ticket.id };
  }
  return { kind: 'comment', ticketId: match.ticket.id, role };
}

/**
 * How the sender is involved in the ticket: requester first (by the address the ticket has for
 * them, or the person id of theirs it names: docs/email.md#people), then staff, then a Cc participant.
 */
export function roleOf(
  facts: Pick<DecisionFacts, 'sender' | 'senderId' | 'senderIsStaff'>,
  match: ThreadMatch,
): SenderRole | undefined {
  if (!facts.sender) return undefined;
  const address = normaliseAddress(facts.sender.address);
  const requester = match.ticket.requester;
  if (
    (requester.email && normaliseAddress(requester.email) === address) ||
    requester.id === personIdOf(address) ||
    (facts.senderId !== undefined && facts.senderId === requester.id)
  ) {
    return 'requester';
  }
  if (facts.senderIsStaff) return 'staff';
  if (match.participants.includes(address)) return 'participant';
  return undefined;
}
