import { InMemoryPersonDirectory } from '../../../functions/email/store/in-memory-person-directory.js';
import { personDirectoryContract } from './person-directory.contract.js';

personDirectoryContract('InMemoryPersonDirectory', async () => ({
  people: new InMemoryPersonDirectory(),
  cleanup: async () => {},
}));
