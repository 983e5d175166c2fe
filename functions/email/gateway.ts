import type { Caller } from '../shared/authz.js';

/** Who the history names for what the mail gateway does itself (creating tickets, internal notes). */
export const EMAIL_GATEWAY: Caller = {
  id: 'opsdesk-email',
  email: null,
  name: 'Email gateway',
  roles: new Set(['agent']),
};

/** Another delivery of the same message (or event) is being processed: the trigger should retry later. */
export class RetryLaterError extends Error {}

/**
 * This delivery's claim on a Message-ID was taken over (its lease had run out): another delivery
 * owns the message now, so this one writes nothing more and lets the trigger retry (which then
 * finds the message done or in progress).
 */
export class ClaimLostError extends RetryLaterError {}
