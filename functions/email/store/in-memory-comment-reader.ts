import type { Comment } from '../../tickets/model.js';
import type { TicketStore } from '../../tickets/store/ticket-store.js';
import type { CommentReader } from './ports.js';

/** Comments per page while looking one up (a ticket's comments are bounded; see docs/api.md). */
const PAGE = 100;

/**
 * One comment by its key parts, read through the TicketStore port (in memory, the comments live in
 * the ticket store, not in a shared table): what DynamoCommentReader reads with one GetItem on
 * `COMMENT#<createdAt>#<id>`, so both parts must match. A copy, as the store hands out.
 */
export class InMemoryCommentReader implements CommentReader {
  constructor(private readonly tickets: Pick<TicketStore, 'listComments'>) {}

  async get(ticketId: string, createdAt: string, commentId: string): Promise<Comment | undefined> {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.tickets.listComments(
        ticketId,
        { limit: PAGE, startKey },
        { publicOnly: false },
      );
      const found = page.items.find((comment) => comment.id === commentId && comment.createdAt === createdAt);
      if (found) return found;
      startKey = page.lastKey;
    } while (startKey);
    return undefined;
  }
}
