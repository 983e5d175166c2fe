import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

function decodeKey(text: string, path: string): Uint8Array {
  const key = Buffer.from(text.trim(), 'base64url');
  if (key.length < 32)
    throw new Error(`${path} does not hold a 32-byte base64url key; delete it to make a new one`);
  return new Uint8Array(key);
}

/**
 * A local secret key kept in a file of the data directory (mode 0600), created with 32 random bytes
 * on first use. `npm start`, `npm run token` and tests are separate processes that must agree on
 * the key, and may race to create it: the key is written to a private temporary file and hard-linked
 * into place, and link() fails if the key exists, so a loser reads the winner's complete key.
 */
export async function loadOrCreateKeyFile(dir: string, fileName: string): Promise<Uint8Array> {
  const path = join(dir, fileName);
  try {
    return decodeKey(await readFile(path, 'utf8'), path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
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
