import { InMemoryGroupStore } from '../../../functions/groups/store/in-memory-group-store.js';
import { groupStoreContract } from './group-store.contract.js';

groupStoreContract('InMemoryGroupStore', async () => ({
  store: new InMemoryGroupStore(),
  cleanup: async () => {},
}));
