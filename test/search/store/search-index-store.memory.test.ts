import { InMemorySearchIndexStore } from '../../../functions/search/store/in-memory-search-index-store.js';
import { searchIndexStoreContract } from './search-index-store.contract.js';

searchIndexStoreContract('in memory', async () => new InMemorySearchIndexStore());
