import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Local presigned URLs: `<base>/<bucket>/<key>?op=put&expires=…&type=…&size=…&signature=…`, the
 * signature an HMAC-SHA256 over everything the URL grants. Like S3's SigV4 query signing, a URL is
 * good for one operation on one key until it expires, and changing any part of it voids it.
 */
export interface LocalGrant {
  readonly op: 'get' | 'put';
  readonly bucket: string;
  readonly key: string;
  /** Unix seconds. */
  readonly expires: number;
  /** put: the exact content type and length the upload must carry; get: the download's type and name. */
  readonly contentType: string;
  readonly size?: number;
  readonly filename?: string;
}

function canonical(grant: LocalGrant): string {
  return JSON.stringify([
    grant.op,
    grant.bucket,
    grant.key,
    grant.expires,
    grant.contentType,
    grant.size ?? null,
    grant.filename ?? null,
  ]);
}

export function signGrant(grant: LocalGrant, key: Uint8Array): string {
  return createHmac('sha256', key).update(canonical(grant)).digest('base64url');
}

export function grantUrl(base: string, grant: LocalGrant, key: Uint8Array): string {
  const url = new URL(
    `${base}/${encodeURIComponent(grant.bucket)}/${grant.key.split('/').map(encodeURIComponent).join('/')}`,
  );
  url.searchParams.set('op', grant.op);
  url.searchParams.set('expires', String(grant.expires));
  url.searchParams.set('type', grant.contentType);
  if (grant.size !== undefined) url.searchParams.set('size', String(grant.size));
  if (grant.filename !== undefined) url.searchParams.set('filename', grant.filename);
  url.searchParams.set('signature', signGrant(grant, key));
  return url.toString();
}

export type GrantCheck = { ok: true; grant: LocalGrant } | { ok: false; status: 403; reason: string };

/** Reads and checks a presigned URL's grant (path `/<bucket>/<key…>`). */
export function verifyGrantUrl(pathAndQuery: string, key: Uint8Array, nowSeconds: number): GrantCheck {
  const url = new URL(pathAndQuery, 'http://local');
  const [bucket, ...keyParts] = url.pathname
    .split('/')
    .slice(1)
    .map((part) => {
      try {
        return decodeURIComponent(part);
      } catch {
        return part;
      }
    });
  const op = url.searchParams.get('op');
  const expires = Number(url.searchParams.get('expires'));
  const signature = url.searchParams.get('signature') ?? '';
  const size = url.searchParams.get('size');
  const filename = url.searchParams.get('filename');
  if (!bucket || keyParts.length === 0 || (op !== 'get' && op !== 'put') || !Number.isInteger(expires)) {
    return { ok: false, status: 403, reason: 'not a presigned URL' };
  }
  const grant: LocalGrant = {
    op,
    bucket,
    key: keyParts.join('/'),
    expires,
    contentType: url.searchParams.get('type') ?? '',
    ...(size !== null ? { size: Number(size) } : {}),
    ...(filename !== null ? { filename } : {}),
  };
  const expected = Buffer.from(signGrant(grant, key));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return { ok: false, status: 403, reason: 'signature does not match' };
  }
  if (nowSeconds > expires) return { ok: false, status: 403, reason: 'the URL has expired' };
  return { ok: true, grant };
}
