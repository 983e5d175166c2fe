import { InMemoryMailLog } from '../../../functions/email/store/in-memory-mail-log.js';
import { mailLogContract } from './mail-log.contract.js';

mailLogContract('InMemoryMailLog', async () => ({ log: new InMemoryMailLog(), cleanup: async () => {} }));
