import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Where the stream poller remembers how far it read, per shard. Lambda's event source mapping keeps
 * its position across deployments; with a persisted data dir the local one keeps it across
 * restarts, so a restart does not deliver the last 24 hours of events a second time.
 */
export interface CheckpointStore {
  /** Sequence numbers per shard id, for this stream (empty when none or another stream). */
  load(streamArn: string): Promise<Record<string, string>>;
  save(streamArn: string, checkpoints: Record<string, string>): Promise<void>;
}

interface CheckpointFile {
  readonly streamArn: string;
  readonly shards: Record<string, string>;
}

export function fileCheckpointStore(path: string): CheckpointStore {
  return {
    async load(streamArn) {
      try {
        const file = JSON.parse(await readFile(path, 'utf8')) as CheckpointFile;
        // A recreated table has a new stream: old positions mean nothing there.
        return file.streamArn === streamArn && file.shards && typeof file.shards === 'object'
          ? { ...file.shards }
          : {};
      } catch {
        return {};
      }
    },
    async save(streamArn, checkpoints) {
      await mkdir(dirname(path), { recursive: true });
      const temporary = `${path}.${process.pid}.tmp`;
      const file: CheckpointFile = { streamArn, shards: checkpoints };
      await writeFile(temporary, `${JSON.stringify(file, null, 2)}\n`);
      await rename(temporary, path);
    },
  };
}
