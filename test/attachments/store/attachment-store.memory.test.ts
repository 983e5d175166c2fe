import { InMemoryAttachmentStore } from '../../../functions/attachments/store/in-memory-attachment-store.js';
import { attachmentStoreContract } from './attachment-store.contract.js';

attachmentStoreContract('in memory', async () => new InMemoryAttachmentStore());
