import { InMemoryChangeStore } from '../../../functions/changes/store/in-memory-change-store.js';
import { changeStoreContract } from './change-store.contract.js';

changeStoreContract('in memory', async () => new InMemoryChangeStore());
