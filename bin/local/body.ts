import type { IncomingMessage } from 'node:http';

/** API Gateway's payload limit (HTTP APIs: 10 MB); larger requests never reach a function. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

export type BodyResult =
  | { readonly ok: true; readonly body: Buffer }
  | { readonly ok: false; readonly reason: 'too-large' };

/**
 * Reads the whole request body, giving up as soon as it is known to exceed `limit` (from
 * Content-Length up front, or while streaming a chunked body) so an oversized upload is never
 * buffered in full.
 */
export function readBody(req: IncomingMessage, limit: number = MAX_BODY_BYTES): Promise<BodyResult> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.resolve({ ok: false, reason: 'too-large' });
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        done = true;
        chunks.length = 0;
        req.removeListener('data', onData);
        req.resume();
        resolve({ ok: false, reason: 'too-large' });
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => {
      if (!done) resolve({ ok: true, body: Buffer.concat(chunks, size) });
    });
    req.once('error', (error) => {
      if (!done) reject(error);
    });
  });
}
