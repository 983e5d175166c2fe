import { InMemoryAlertStore } from '../../../functions/alerts/store/in-memory-alert-store.js';
import { alertStoreContract } from './alert-store.contract.js';

alertStoreContract('in memory', async () => new InMemoryAlertStore());
