import { InMemoryCatalogStore } from '../../../functions/catalog/store/in-memory-catalog-store.js';
import { catalogStoreContract } from './catalog-store.contract.js';

catalogStoreContract('in memory', async () => new InMemoryCatalogStore());
