import { InMemoryKnownErrorStore } from '../../../functions/problems/store/in-memory-error-store.js';
import { knownErrorStoreContract } from './error-store.contract.js';

knownErrorStoreContract('in memory', async () => new InMemoryKnownErrorStore());
