import { S3Client } from '@aws-sdk/client-s3';
import { S3ObjectStore } from '../attachments/store/s3-object-store.js';
import { parseEnvironment } from '../shared/wiring/environment.js';
import { awsEmailBaseDeps } from './aws-wiring.js';
import { assembleEmailIngest, EMAIL_INGEST_ENVIRONMENT } from './ingest.function.js';

const env = parseEnvironment(EMAIL_INGEST_ENVIRONMENT);
const s3 = new S3Client({});

export const handler = assembleEmailIngest({
  ...awsEmailBaseDeps(env),
  rawMail: new S3ObjectStore(s3, env.RAW_MAIL_BUCKET),
  attachmentObjects: new S3ObjectStore(s3, env.ATTACHMENTS_BUCKET),
});
