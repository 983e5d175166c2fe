import { InMemoryNotificationLedger } from '../../../functions/email/store/in-memory-notification-ledger.js';
import { notificationLedgerContract } from './notification-ledger.contract.js';

notificationLedgerContract('InMemoryNotificationLedger', async () => ({
  ledger: new InMemoryNotificationLedger(),
  cleanup: async () => {},
}));
