import { DecryptCommand, EncryptCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { SecretCipher } from './secret-cipher.js';

/**
 * KMS on AWS (lib/alerts.ts: a customer managed key with rotation on; only the alerts function may
 * Encrypt and Decrypt with it). The integration id is the encryption context, so a sealed key only
 * opens for the integration it was sealed for (and CloudTrail names it on every Decrypt).
 */
export class KmsSecretCipher implements SecretCipher {
  constructor(
    private readonly kms: KMSClient,
    private readonly keyId: string,
  ) {}

  async seal(plaintext: string, context: string): Promise<string> {
    const out = await this.kms.send(
      new EncryptCommand({
        KeyId: this.keyId,
        Plaintext: Buffer.from(plaintext, 'utf8'),
        EncryptionContext: { integrationId: context },
      }),
    );
    return `kms.${Buffer.from(out.CiphertextBlob!).toString('base64url')}`;
  }

  async open(sealed: string, context: string): Promise<string> {
    if (!sealed.startsWith('kms.')) throw new Error('not a KMS-sealed secret');
    const out = await this.kms.send(
      new DecryptCommand({
        KeyId: this.keyId,
        CiphertextBlob: Buffer.from(sealed.slice(4), 'base64url'),
        EncryptionContext: { integrationId: context },
      }),
    );
    return Buffer.from(out.Plaintext!).toString('utf8');
  }
}
