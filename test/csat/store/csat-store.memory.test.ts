import { InMemoryCsatStore } from '../../../functions/csat/store/in-memory-csat-store.js';
import { InMemoryTicketStore } from '../../../functions/tickets/store/in-memory-ticket-store.js';
import { csatStoreContract } from './csat-store.contract.js';

csatStoreContract('in memory', async () => {
  const tickets = new InMemoryTicketStore();
  return { tickets, store: new InMemoryCsatStore(tickets) };
});
