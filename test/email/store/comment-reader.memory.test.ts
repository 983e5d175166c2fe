import { InMemoryCommentReader } from '../../../functions/email/store/in-memory-comment-reader.js';
import { InMemoryTicketStore } from '../../../functions/tickets/store/in-memory-ticket-store.js';
import { commentReaderContract } from './comment-reader.contract.js';

commentReaderContract('InMemoryCommentReader', async () => {
  const tickets = new InMemoryTicketStore();
  return { comments: new InMemoryCommentReader(tickets), tickets, cleanup: async () => {} };
});
