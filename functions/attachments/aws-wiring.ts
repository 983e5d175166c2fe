import { S3Client } from '@aws-sdk/client-s3';
import { requiredEnv } from '../shared/wiring/aws.js';
import type { AttachmentDeps } from '../shared/wiring/deps.js';
import { S3ObjectStore } from './store/s3-object-store.js';

/** The attachments bucket named by ATTACHMENTS_BUCKET; the S3 client is built on the first attachment request. */
export function awsAttachmentDeps(): AttachmentDeps {
  let store: S3ObjectStore | undefined;
  const bucket = () => {
    store ??= new S3ObjectStore(new S3Client({}), requiredEnv('ATTACHMENTS_BUCKET'));
    return store;
  };
  return {
    attachmentObjects: {
      head: (key) => bucket().head(key),
      get: (key) => bucket().get(key),
      put: (key, body, type) => bucket().put(key, body, type),
      move: (from, to) => bucket().move(from, to),
      presignUpload: (key, options) => bucket().presignUpload(key, options),
      presignDownload: (key, options) => bucket().presignDownload(key, options),
    },
  };
}
