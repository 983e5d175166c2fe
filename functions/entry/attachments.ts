import { createAttachmentsHandler } from '../handlers/attachments.js';
import { awsHttpDeps } from '../wiring/aws.js';
import { awsAttachmentDeps } from '../wiring/aws-attachments.js';

export const handler = createAttachmentsHandler({ ...awsHttpDeps(), ...awsAttachmentDeps() });
