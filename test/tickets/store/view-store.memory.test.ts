import { InMemoryViewStore } from '../../../functions/tickets/store/in-memory-view-store.js';
import { viewStoreContract } from './view-store.contract.js';

viewStoreContract('InMemoryViewStore', async () => ({
  views: new InMemoryViewStore(),
  cleanup: async () => {},
}));
