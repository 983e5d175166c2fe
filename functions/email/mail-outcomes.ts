import { type Caller, isAdmin } from '../shared/authz.js';
import { ForbiddenError } from '../shared/errors.js';
import type { Page, PageRequest } from '../shared/store.js';
import type { MailRecord, MailRecordFilter, MailRecordQuery } from './store/ports.js';

/**
 * What became of mail that opened no ticket (docs/email.md#mail-outcomes): refused as too large,
 * quarantined, dropped (machine mail, loops, denied senders) or a duplicate delivery. Operators
 * read it; the records name senders and subjects, so admins only.
 */
/** Every outcome a mail record can have (MailRecord['outcome']). */
export const MAIL_OUTCOMES = [
  'refused',
  'quarantined',
  'dropped',
  'duplicate',
] as const satisfies readonly MailRecord['outcome'][];

export function assertMailOutcomeReader(caller: Caller): void {
  if (!isAdmin(caller)) throw new ForbiddenError('only admins may read mail outcomes');
}

export class MailOutcomeService {
  constructor(private readonly records: MailRecordQuery) {}

  /** Newest first; by outcome, by sender, or both. */
  list(caller: Caller, filter: MailRecordFilter, page: PageRequest): Promise<Page<MailRecord>> {
    assertMailOutcomeReader(caller);
    return this.records.find(filter, page);
  }
}
