import { InMemorySlaConfigStore } from '../../../functions/sla/store/in-memory-sla-config-store.js';
import { slaConfigStoreContract } from './sla-config-store.contract.js';

slaConfigStoreContract('InMemorySlaConfigStore', async () => ({
  store: new InMemorySlaConfigStore(),
  cleanup: async () => {},
}));
