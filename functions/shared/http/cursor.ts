import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { ValidationError } from '../errors.js';

/**
 * Opaque list cursors: the store's resume key sealed with AES-256-GCM. The query the cursor
 * belongs to (operation, caller, filters) is the authenticated data, so a cursor cannot be
 * forged, read, or replayed against another query or by another caller.
 */
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export type QueryScope = Record<string, unknown>;

function aesKey(secret: Uint8Array): Buffer {
  return createHash('sha256').update(secret).digest();
}

function scopeData(scope: QueryScope): Buffer {
  return Buffer.from(canonicalJson(scope));
}

/** JSON with object keys sorted at every depth, so equal scopes give equal bytes. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export function sealCursor(lastKey: Record<string, unknown>, scope: QueryScope, secret: Uint8Array): string {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', aesKey(secret), nonce);
  cipher.setAAD(scopeData(scope));
  const sealed = Buffer.concat([cipher.update(JSON.stringify(lastKey)), cipher.final()]);
  return Buffer.concat([nonce, sealed, cipher.getAuthTag()]).toString('base64url');
}

export function openCursor(cursor: string, scope: QueryScope, secret: Uint8Array): Record<string, unknown> {
  const invalid = () =>
    new ValidationError([{ path: 'cursor', message: 'is not a cursor issued for this query' }]);
  const raw = Buffer.from(cursor, 'base64url');
  if (raw.length <= NONCE_BYTES + TAG_BYTES) throw invalid();
  try {
    const decipher = createDecipheriv('aes-256-gcm', aesKey(secret), raw.subarray(0, NONCE_BYTES));
    decipher.setAAD(scopeData(scope));
    decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
    const plain = Buffer.concat([
      decipher.update(raw.subarray(NONCE_BYTES, raw.length - TAG_BYTES)),
      decipher.final(),
    ]);
    return JSON.parse(plain.toString('utf8')) as Record<string, unknown>;
  } catch {
    throw invalid();
  }
}
