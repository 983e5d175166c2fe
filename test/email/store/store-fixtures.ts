import { randomBytes } from 'node:crypto';
import type { Comment, Ticket } from '../../../functions/tickets/model.js';
import { addComment, creationHistory } from '../../../functions/tickets/rules.js';
import type { TicketStore } from '../../../functions/tickets/store/ticket-store.js';
import { agent, alice, ticket } from '../../domain/fixtures.js';

/**
 * Tickets and comments for the mail store contracts that read them (MessageIndex.landed,
 * CommentReader). The first history id of a commit is its DynamoDB request token, which DynamoDB
 * Local remembers across tables for ten minutes: ids are unique to this run.
 */
export const T0 = Date.parse('2026-11-23T10:00:00.000Z');

/** The instant `minutes` after T0. */
export const minutes = (n: number): Date => new Date(T0 + n * 60_000);

const RUN = randomBytes(4).toString('hex');
let stamps = 0;
function stamp(now: string) {
  stamps += 1;
  return { now, eventId: `evt-${RUN}-${String(stamps).padStart(6, '0')}` };
}

export async function storedTicket(store: TicketStore, id: string): Promise<Ticket> {
  const t = ticket({ id });
  await store.commit([{ after: t, history: creationHistory(t, alice, stamp(t.createdAt)) }]);
  return t;
}

export async function storedComment(
  store: TicketStore,
  before: Ticket,
  visibility: Comment['visibility'],
  at: string,
): Promise<{ ticket: Ticket; comment: Comment }> {
  const s = stamp(at);
  const result = addComment(before, { body: `a ${visibility} comment`, visibility }, agent, {
    ...s,
    commentId: `c-${s.eventId}`,
  });
  await store.commit([{ before, after: result.ticket, history: result.history, comment: result.comment }]);
  return result;
}

/** The error a DynamoDB request it refuses outright fails with (the adapters let it through). */
export async function failure(promise: Promise<unknown>): Promise<{ name?: string }> {
  return promise.then(
    () => ({ name: 'no error' }),
    (error: unknown) => error as { name?: string },
  );
}
