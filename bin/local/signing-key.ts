import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

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

function decodeKey(text: string, path: string): Uint8Array {
  const key = Buffer.from(text.trim(), 'base64url');
  if (key.length < 32)
    throw new Error(`${path} does not hold a 32-byte base64url key; delete it to make a new one`);
  return new Uint8Array(key);
}

/** Reads the key in `dir`, creating it if absent. Safe when several processes race to create it. */
export async function loadOrCreateSigningKey(dir: string = defaultStateDir()): Promise<Uint8Array> {
  const path = join(dir, SIGNING_KEY_FILE);
  try {
    return decodeKey(await readFile(path, 'utf8'), path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // Write a private temporary file, then hard-link it into place: link() fails if the key exists,
  // so a process that loses the race reads the winner's complete key instead of a half-written one.
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temporary, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await link(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await rm(temporary, { force: true });
  }
  return decodeKey(await readFile(path, 'utf8'), path);
}
