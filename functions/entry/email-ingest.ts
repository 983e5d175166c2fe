import { S3Client } from '@aws-sdk/client-s3';
import { S3ObjectStore } from '../adapters/s3/s3-object-store.js';
import { createEmailIngestHandler } from '../handlers/email-ingest.js';
import { requiredEnv } from '../wiring/aws.js';
import { emailIngest } from '../wiring/email.js';
import { awsEmailBaseDeps } from '../wiring/email-aws.js';

const s3 = new S3Client({});

export const handler = createEmailIngestHandler(
  emailIngest({
    ...awsEmailBaseDeps(),
    rawMail: new S3ObjectStore(s3, process.env.RAW_MAIL_BUCKET ?? ''),
    attachmentObjects: new S3ObjectStore(s3, requiredEnv('ATTACHMENTS_BUCKET')),
  }),
);
