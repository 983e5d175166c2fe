import { decodeCipherKey, LocalSecretCipher } from '../../functions/alerts/secrets/local-secret-cipher.js';
import { loadOrCreateKeyFile } from './key-file.js';

/** The file holding the local key, beside the local signing key in the data directory. */
export const LOCAL_ALERTS_KEY_FILE = 'local-alerts-key';

/**
 * The local runtime's stand-in for the KMS key that seals integrations' HMAC keys:
 * `OPSDESK_ALERTS_KEY` (32 bytes, base64url) when set, else `<dir>/local-alerts-key`, created on
 * first use. Loaded once per process; a failed load is retried on the next use.
 */
export function localSecretCipher(dir: string, env: NodeJS.ProcessEnv = process.env): LocalSecretCipher {
  let loading: Promise<Uint8Array> | undefined;
  const load = async (): Promise<Uint8Array> => {
    if (env.OPSDESK_ALERTS_KEY) return decodeCipherKey(env.OPSDESK_ALERTS_KEY, 'OPSDESK_ALERTS_KEY');
    const key = await loadOrCreateKeyFile(dir, LOCAL_ALERTS_KEY_FILE);
    // AES-256 takes exactly 32 bytes; the file holds more only if someone edited it.
    if (key.length !== 32)
      throw new Error(`${dir}/${LOCAL_ALERTS_KEY_FILE} must hold a 32-byte base64url key`);
    return key;
  };
  return new LocalSecretCipher(() => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  });
}
