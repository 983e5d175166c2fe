import { InMemoryCmdbStore } from '../../../functions/cmdb/store/in-memory-cmdb-store.js';
import { InMemoryDrPostureStore } from '../../../functions/cmdb/store/in-memory-dr-posture-store.js';
import { drPostureStoreContract } from './dr-posture-store.contract.js';

drPostureStoreContract('in memory', async () => {
  const cmdb = new InMemoryCmdbStore();
  return { cmdb, posture: new InMemoryDrPostureStore(cmdb.table) };
});
