import { InMemoryCmdbStore } from '../../../functions/cmdb/store/in-memory-cmdb-store.js';
import { cmdbStoreContract } from './cmdb-store.contract.js';

cmdbStoreContract('in memory', async () => new InMemoryCmdbStore(), { bulk: true });
