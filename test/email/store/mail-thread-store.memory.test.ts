import { InMemoryMailThreads } from '../../../functions/email/store/in-memory-mail-threads.js';
import { mailThreadStoreContract } from './mail-thread-store.contract.js';

mailThreadStoreContract('InMemoryMailThreads', async () => ({
  threads: new InMemoryMailThreads(),
  cleanup: async () => {},
}));
