import { awsHttpDeps } from '../shared/wiring/aws.js';
import { awsAttachmentDeps } from './aws-wiring.js';
import { createAttachmentsHandler } from './http/handler.js';

export const handler = createAttachmentsHandler({ ...awsHttpDeps(), ...awsAttachmentDeps() });
