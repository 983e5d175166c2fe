import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * The cursor-sealing key lives in Secrets Manager; read once per container, on first use (most
 * requests carry no cursor), and read again after a failure rather than caching the failure.
 */
export function secretCursorKey(secretArn: string): () => Promise<Uint8Array> {
  let cursorKey: Promise<Uint8Array> | undefined;
  return () => {
    cursorKey ??= new SecretsManagerClient({})
      .send(new GetSecretValueCommand({ SecretId: secretArn }))
      .then((out) => new TextEncoder().encode(out.SecretString ?? ''))
      .catch((error: unknown) => {
        cursorKey = undefined;
        throw error;
      });
    return cursorKey;
  };
}
