import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { LocalObjectStore } from '../../functions/attachments/store/local-object-store.js';
import {
  directoryBackend,
  type LocalObjectBackend,
  memoryBackend,
} from '../../functions/attachments/store/local-object-store-backend.js';
import type { Logger } from './log.js';
import { startObjectsServer } from './objects-server.js';

/**
 * The local S3: two buckets (raw mail, attachments) in memory, or under `<dataDir>/objects`, and
 * the server that answers their presigned URLs. The signing key is fresh per run: presigned URLs
 * live minutes, they need not survive a restart.
 */
export interface LocalObjects {
  readonly rawMail: LocalObjectStore;
  readonly attachments: LocalObjectStore;
  readonly backend: LocalObjectBackend;
  /** `http://127.0.0.1:<port>`, the origin of every presigned URL. */
  readonly url: string;
  stop(): Promise<void>;
}

export const LOCAL_BUCKETS = { rawMail: 'opsdesk-raw-mail', attachments: 'opsdesk-attachments' } as const;

export async function startLocalObjects(options: {
  readonly dataDir: string | undefined;
  readonly clock: { now(): Date };
  readonly corsOrigins: readonly string[];
  readonly log: Logger;
  readonly port: number;
  readonly host?: string;
}): Promise<LocalObjects> {
  const backend = options.dataDir ? directoryBackend(join(options.dataDir, 'objects')) : memoryBackend();
  const key = new Uint8Array(randomBytes(32));
  const server = await startObjectsServer(
    { backend, signingKey: key, clock: options.clock, corsOrigins: options.corsOrigins, log: options.log },
    options.port,
    options.host,
  );
  const signing = { key, baseUrl: () => server.url };
  return {
    rawMail: new LocalObjectStore(backend, LOCAL_BUCKETS.rawMail, signing, options.clock),
    attachments: new LocalObjectStore(backend, LOCAL_BUCKETS.attachments, signing, options.clock),
    backend,
    url: server.url,
    stop: () => server.stop(),
  };
}
