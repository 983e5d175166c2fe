import { InMemoryTicketStore } from '../../../functions/tickets/store/in-memory-ticket-store.js';
import { SnapshotTicketStore } from '../../../functions/tickets/store/snapshot-ticket-store.js';
import { ticketQueueContract } from './ticket-queues.contract.js';
import { ticketStoreContract } from './ticket-store.contract.js';

ticketStoreContract('InMemoryTicketStore', async () => ({
  store: new InMemoryTicketStore(),
  cleanup: async () => {},
}));

// The per-container snapshot decorator the handlers write through must keep the port's contract.
ticketStoreContract('SnapshotTicketStore over InMemoryTicketStore', async () => ({
  store: new SnapshotTicketStore(new InMemoryTicketStore()),
  cleanup: async () => {},
}));

ticketQueueContract('InMemoryTicketStore', async () => ({
  store: new InMemoryTicketStore(),
  cleanup: async () => {},
}));
