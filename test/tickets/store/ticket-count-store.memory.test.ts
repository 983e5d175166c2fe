import { InMemoryTicketCountStore } from '../../../functions/tickets/store/in-memory-ticket-count-store.js';
import { ticketCountStoreContract } from './ticket-count-store.contract.js';

ticketCountStoreContract('InMemoryTicketCountStore', async () => ({
  counts: new InMemoryTicketCountStore(),
  cleanup: async () => {},
}));
