import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SecretCipher } from './secret-cipher.js';

/**
 * AES-256-GCM with node:crypto, the local runtime's stand-in for KMS. The key is never in code: the
 * local runtime hands it in (bin/local/alerts-key.ts). Sealed form: `v1.<iv>.<tag>.<ciphertext>`
 * (base64url parts); the integration id is the authenticated context, as KMS's encryption context.
 */
export class LocalSecretCipher implements SecretCipher {
  constructor(private readonly key: () => Promise<Uint8Array>) {}

  async seal(plaintext: string, context: string): Promise<string> {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', await this.key(), iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), body]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  async open(sealed: string, context: string): Promise<string> {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('not a locally sealed secret');
    const decipher = createDecipheriv('aes-256-gcm', await this.key(), Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  }
}

/** A 32-byte AES key from its base64url text; `where` names the source in the error. */
export function decodeCipherKey(text: string, where: string): Uint8Array {
  const key = Buffer.from(text.trim(), 'base64url');
  if (key.length !== 32) throw new Error(`${where} must hold a 32-byte base64url key`);
  return new Uint8Array(key);
}

/** A random key per process: for tests and an in-memory runtime whose data dies with it. */
export function ephemeralSecretCipher(): LocalSecretCipher {
  const key = new Uint8Array(randomBytes(32));
  return new LocalSecretCipher(async () => key);
}
