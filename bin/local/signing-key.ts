import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadOrCreateKeyFile } from './key-file.js';

/**
 * The local stand-in for the identity provider's signing key. `npm start` and `npm run token` are
 * separate processes, so the key lives in a file both read: `<data dir>/local-signing-key`, created
 * on first use with mode 0600. `.opsdesk/` (the default folder) is gitignored.
 */
export const SIGNING_KEY_FILE = 'local-signing-key';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where local state lives: OPSDESK_DATA_DIR when set, else `<repo>/.opsdesk`. */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.OPSDESK_DATA_DIR ? resolve(env.OPSDESK_DATA_DIR) : join(REPO_ROOT, '.opsdesk');
}

/** Reads the key in `dir`, creating it if absent. Safe when several processes race to create it. */
export function loadOrCreateSigningKey(dir: string = defaultStateDir()): Promise<Uint8Array> {
  return loadOrCreateKeyFile(dir, SIGNING_KEY_FILE);
}
