import { S3Client } from '@aws-sdk/client-s3';
import { S3ObjectStore } from '../attachments/store/s3-object-store.js';
import { requiredEnv } from '../shared/wiring/aws.js';
import { awsEmailBaseDeps } from './aws-wiring.js';
import { createEmailIngestHandler } from './ingest-handler.js';
import { emailIngest } from './wiring.js';

const s3 = new S3Client({});

export const handler = createEmailIngestHandler(
  emailIngest({
    ...awsEmailBaseDeps(),
    rawMail: new S3ObjectStore(s3, process.env.RAW_MAIL_BUCKET ?? ''),
    attachmentObjects: new S3ObjectStore(s3, requiredEnv('ATTACHMENTS_BUCKET')),
  }),
);
