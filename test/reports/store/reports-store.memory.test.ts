import { InMemoryReportsStore } from '../../../functions/reports/store/in-memory-reports-store.js';
import { reportsStoreContract } from './reports-store.contract.js';

reportsStoreContract('in memory', async () => new InMemoryReportsStore());
