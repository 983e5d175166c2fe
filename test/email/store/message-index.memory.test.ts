import { InMemoryMessageIndex } from '../../../functions/email/store/in-memory-message-index.js';
import { InMemoryTicketStore } from '../../../functions/tickets/store/in-memory-ticket-store.js';
import { messageIndexContract } from './message-index.contract.js';

messageIndexContract('InMemoryMessageIndex', async () => {
  const tickets = new InMemoryTicketStore();
  return { index: new InMemoryMessageIndex(tickets), tickets, cleanup: async () => {} };
});
