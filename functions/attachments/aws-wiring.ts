import { S3Client } from '@aws-sdk/client-s3';
import type { AttachmentDeps } from './store/object-store.js';
import { S3ObjectStore } from './store/s3-object-store.js';

/** The attachments bucket; the S3 client is built on the first attachment request, not at init. */
export function awsAttachmentDeps(env: { readonly ATTACHMENTS_BUCKET: string }): AttachmentDeps {
  let store: S3ObjectStore | undefined;
  const bucket = () => {
    store ??= new S3ObjectStore(new S3Client({}), env.ATTACHMENTS_BUCKET);
    return store;
  };
  return {
    attachmentObjects: {
      head: (key) => bucket().head(key),
      get: (key) => bucket().get(key),
      getStart: (key, bytes) => bucket().getStart(key, bytes),
      put: (key, body, type) => bucket().put(key, body, type),
      move: (from, to) => bucket().move(from, to),
      presignUpload: (key, options) => bucket().presignUpload(key, options),
      presignDownload: (key, options) => bucket().presignDownload(key, options),
    },
  };
}
