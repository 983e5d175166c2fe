import type { LocalObjectBackend } from './local-object-store-backend.js';
import { grantUrl } from './local-object-store-signing.js';
import type { ObjectStore, PresignedUpload, StoredObject } from './object-store.js';

/**
 * One local "bucket" over a backend, with presigned URLs served by the local object server
 * (bin/local/objects-server.ts) on its own port, as S3 is a different origin from the API.
 */
export class LocalObjectStore implements ObjectStore {
  constructor(
    private readonly backend: LocalObjectBackend,
    private readonly bucket: string,
    private readonly signing: { readonly key: Uint8Array; readonly baseUrl: () => string },
    private readonly clock: { now(): Date },
  ) {}

  async head(key: string): Promise<StoredObject | undefined> {
    const object = await this.backend.read(this.bucket, key);
    return object ? { size: object.bytes.byteLength, contentType: object.contentType } : undefined;
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    return (await this.backend.read(this.bucket, key))?.bytes;
  }

  async getStart(key: string, bytes: number): Promise<Uint8Array | undefined> {
    return (await this.backend.read(this.bucket, key))?.bytes.subarray(0, bytes);
  }

  async put(key: string, body: Uint8Array, contentType: string): Promise<void> {
    await this.backend.write(this.bucket, key, { bytes: body, contentType });
  }

  async move(from: string, to: string): Promise<void> {
    const object = await this.backend.read(this.bucket, from);
    if (!object) return;
    await this.backend.write(this.bucket, to, object);
    await this.backend.remove(this.bucket, from);
  }

  async presignUpload(
    key: string,
    options: { contentType: string; size: number; expiresInSeconds: number },
  ): Promise<PresignedUpload> {
    const expires = this.expires(options.expiresInSeconds);
    const url = grantUrl(
      this.signing.baseUrl(),
      { op: 'put', bucket: this.bucket, key, expires, contentType: options.contentType, size: options.size },
      this.signing.key,
    );
    return {
      url,
      headers: { 'content-type': options.contentType, 'content-length': String(options.size) },
      expiresAt: new Date(expires * 1000).toISOString(),
    };
  }

  async presignDownload(
    key: string,
    options: { filename: string; contentType: string; expiresInSeconds: number },
  ): Promise<{ url: string; expiresAt: string }> {
    const expires = this.expires(options.expiresInSeconds);
    const url = grantUrl(
      this.signing.baseUrl(),
      {
        op: 'get',
        bucket: this.bucket,
        key,
        expires,
        contentType: options.contentType,
        filename: options.filename,
      },
      this.signing.key,
    );
    return { url, expiresAt: new Date(expires * 1000).toISOString() };
  }

  private expires(seconds: number): number {
    return Math.floor(this.clock.now().getTime() / 1000) + seconds;
  }
}
