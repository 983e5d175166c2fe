/**
 * One bucket of objects: raw mail, attachments. AWS: S3 (presigned URLs signed by SigV4); locally:
 * files served by the local object server with HMAC-signed, expiring URLs.
 */
export interface StoredObject {
  readonly size: number;
  readonly contentType: string | undefined;
}

export interface PresignedUpload {
  readonly url: string;
  /** Headers the upload must carry exactly as signed (content type, length). */
  readonly headers: Readonly<Record<string, string>>;
  readonly expiresAt: string;
}

export interface ObjectStore {
  head(key: string): Promise<StoredObject | undefined>;
  /** The object's bytes; undefined when absent. Callers check the size with `head` first. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** The object's first `bytes` bytes (all of a shorter one; a ranged GET); undefined when absent. */
  getStart(key: string, bytes: number): Promise<Uint8Array | undefined>;
  put(key: string, body: Uint8Array, contentType: string): Promise<void>;
  /** Moves an object within the bucket (copy, then delete the original). */
  move(from: string, to: string): Promise<void>;
  /** A URL that accepts one PUT of exactly this type and length until it expires. */
  presignUpload(
    key: string,
    options: { contentType: string; size: number; expiresInSeconds: number },
  ): Promise<PresignedUpload>;
  /** A URL that downloads the object (as an attachment named `filename`) until it expires. */
  presignDownload(
    key: string,
    options: { filename: string; contentType: string; expiresInSeconds: number },
  ): Promise<{ url: string; expiresAt: string }>;
}

/** The attachments bucket (presigned uploads and downloads, docs/api.md). */
export interface AttachmentDeps {
  readonly attachmentObjects: ObjectStore;
}
