import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommentReader } from '../../../functions/email/store/ports.js';
import type { TicketStore } from '../../../functions/tickets/store/ticket-store.js';
import { minutes, storedComment, storedTicket } from './store-fixtures.js';

export interface CommentReaderUnderTest {
  readonly comments: CommentReader;
  /** Where the comments are written (the same table on AWS). */
  readonly tickets: TicketStore;
  readonly cleanup: () => Promise<void>;
}

/**
 * What every CommentReader adapter must do (the notifier reads the comment a `Comment Added` event
 * names, by its ticket, time and id): run against the in-memory adapter and DynamoDB Local.
 */
export function commentReaderContract(name: string, make: () => Promise<CommentReaderUnderTest>): void {
  describe(`CommentReader contract: ${name}`, () => {
    let comments: CommentReader;
    let tickets: TicketStore;
    let cleanup: (() => Promise<void>) | undefined;

    beforeEach(async () => {
      ({ comments, tickets, cleanup } = await make());
    });
    afterEach(async () => {
      await cleanup?.();
      cleanup = undefined;
    });

    it('reads a comment, public or internal, exactly as written', async () => {
      let t = await storedTicket(tickets, 'INC-000200');
      const first = await storedComment(tickets, t, 'public', minutes(1).toISOString());
      t = first.ticket;
      const second = await storedComment(tickets, t, 'internal', minutes(2).toISOString());
      expect(await comments.get(t.id, first.comment.createdAt, first.comment.id)).toEqual(first.comment);
      expect(await comments.get(t.id, second.comment.createdAt, second.comment.id)).toEqual(second.comment);
    });

    it('needs the time and the id to match, on that ticket', async () => {
      const t = await storedTicket(tickets, 'INC-000210');
      const { comment } = await storedComment(tickets, t, 'public', minutes(1).toISOString());
      expect(await comments.get(t.id, minutes(2).toISOString(), comment.id)).toBeUndefined();
      expect(await comments.get(t.id, comment.createdAt, 'c-other')).toBeUndefined();
      expect(await comments.get('INC-000211', comment.createdAt, comment.id)).toBeUndefined();
    });
  });
}
