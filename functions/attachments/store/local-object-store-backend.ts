import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Where the local object store keeps bytes: in memory (the default, like the rest of the local
 * stack), or in a folder when OPSDESK_DATA_DIR is set. Keys are hashed into file names, so no key
 * can name a path outside the folder.
 */
export interface LocalObject {
  readonly bytes: Uint8Array;
  readonly contentType: string;
}

export interface LocalObjectBackend {
  read(bucket: string, key: string): Promise<LocalObject | undefined>;
  write(bucket: string, key: string, object: LocalObject): Promise<void>;
  remove(bucket: string, key: string): Promise<void>;
}

/** In memory, bounded in total bytes so a long-running local stack cannot eat the machine. */
export function memoryBackend(maxBytes = 1024 * 1024 * 1024): LocalObjectBackend {
  const objects = new Map<string, LocalObject>();
  let total = 0;
  const id = (bucket: string, key: string) => `${bucket}\u0000${key}`;
  return {
    async read(bucket, key) {
      return objects.get(id(bucket, key));
    },
    async write(bucket, key, object) {
      const previous = objects.get(id(bucket, key));
      const next = total - (previous?.bytes.byteLength ?? 0) + object.bytes.byteLength;
      if (next > maxBytes) throw new Error(`local object store is full (${maxBytes} bytes)`);
      objects.set(id(bucket, key), object);
      total = next;
    },
    async remove(bucket, key) {
      const previous = objects.get(id(bucket, key));
      if (!previous) return;
      objects.delete(id(bucket, key));
      total -= previous.bytes.byteLength;
    },
  };
}

export function directoryBackend(root: string): LocalObjectBackend {
  const pathOf = (bucket: string, key: string) =>
    join(
      root,
      createHash('sha256').update(bucket).digest('hex').slice(0, 16),
      createHash('sha256').update(key).digest('hex'),
    );
  return {
    async read(bucket, key) {
      const path = pathOf(bucket, key);
      try {
        const [bytes, meta] = await Promise.all([readFile(path), readFile(`${path}.json`, 'utf8')]);
        return {
          bytes: new Uint8Array(bytes),
          contentType: (JSON.parse(meta) as { contentType: string }).contentType,
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    async write(bucket, key, object) {
      const path = pathOf(bucket, key);
      await mkdir(join(path, '..'), { recursive: true });
      await writeFile(path, object.bytes);
      await writeFile(`${path}.json`, JSON.stringify({ key, contentType: object.contentType }));
    },
    async remove(bucket, key) {
      const path = pathOf(bucket, key);
      await rm(path, { force: true });
      await rm(`${path}.json`, { force: true });
    },
  };
}
