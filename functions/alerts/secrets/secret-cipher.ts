/**
 * Seals the HMAC keys of `hmac` integrations (docs/alerts.md#standard-webhooks-hmac): unlike bearer
 * secrets, which are kept as digests, verification needs the key itself, so it is stored encrypted.
 * `context` (the integration id) is bound to the ciphertext: a sealed key copied onto another
 * integration does not open.
 */
export interface SecretCipher {
  seal(plaintext: string, context: string): Promise<string>;
  open(sealed: string, context: string): Promise<string>;
}
