import { InMemoryFreezeWindowStore } from '../../../functions/changes/store/in-memory-change-store.js';
import { freezeWindowStoreContract } from './freeze-window-store.contract.js';

freezeWindowStoreContract('in memory', async () => new InMemoryFreezeWindowStore());
