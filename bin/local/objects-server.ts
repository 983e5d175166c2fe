import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { contentDisposition } from '../../functions/attachments/store/content-disposition.js';
import type { LocalObjectBackend } from '../../functions/attachments/store/local-object-store-backend.js';
import { verifyGrantUrl } from '../../functions/attachments/store/local-object-store-signing.js';
import type { Logger } from './log.js';

/**
 * The local stand-in for S3's presigned URLs: GET and PUT on `/<bucket>/<key>` with a signed,
 * expiring query (functions/attachments/store/local-object-store-signing.ts), nothing else. A separate
 * listener, as S3 is a different origin from the API. Any malformed request gets an error status;
 * nothing a client sends can stop the server.
 */
export interface ObjectsServerOptions {
  readonly backend: LocalObjectBackend;
  readonly signingKey: Uint8Array;
  readonly clock: { now(): Date };
  readonly corsOrigins: readonly string[];
  readonly log: Logger;
  /** Uploads larger than this are refused before reading them (presigned sizes are bounded by the API). */
  readonly maxUploadBytes?: number;
}

export interface ObjectsServer {
  readonly url: string;
  stop(): Promise<void>;
}

const DEFAULT_MAX_UPLOAD = 50 * 1024 * 1024;

export async function startObjectsServer(
  options: ObjectsServerOptions,
  port: number,
  host = '127.0.0.1',
): Promise<ObjectsServer> {
  const server = createServer((req, res) => {
    handle(req, res, options).catch((error: unknown) => {
      options.log.error('local object server failed', error);
      if (!res.headersSent) send(res, 500, 'internal error');
      else res.destroy();
    });
  });
  await listen(server, port, host);
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host }, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
}

function send(
  res: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
  res.end(`${message}\n`);
}

function corsHeaders(req: IncomingMessage, origins: readonly string[]): Record<string, string> {
  const origin = req.headers.origin;
  if (!origin || !(origins.includes('*') || origins.includes(origin))) return {};
  return {
    'access-control-allow-origin': origins.includes('*') ? '*' : origin,
    'access-control-allow-methods': 'GET, PUT',
    'access-control-allow-headers': 'content-type',
    'access-control-max-age': '600',
    vary: 'origin',
  };
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  options: ObjectsServerOptions,
): Promise<void> {
  const cors = corsHeaders(req, options.corsOrigins);
  if (req.method === 'OPTIONS') {
    res.writeHead(204, cors);
    res.end();
    return;
  }
  if (req.method !== 'GET' && req.method !== 'PUT')
    return send(res, 405, 'only GET and PUT', { allow: 'GET, PUT', ...cors });
  const check = verifyGrantUrl(
    req.url ?? '/',
    options.signingKey,
    Math.floor(options.clock.now().getTime() / 1000),
  );
  if (!check.ok) return send(res, check.status, check.reason, cors);
  const { grant } = check;
  if (grant.op !== req.method.toLowerCase())
    return send(res, 403, `this URL grants ${grant.op.toUpperCase()} only`, cors);

  if (grant.op === 'get') {
    const object = await options.backend.read(grant.bucket, grant.key);
    if (!object) return send(res, 404, 'no such object', cors);
    res.writeHead(200, {
      'content-type': grant.contentType || object.contentType,
      'content-length': String(object.bytes.byteLength),
      'content-disposition': contentDisposition(grant.filename ?? grant.key.split('/').pop() ?? 'download'),
      'x-content-type-options': 'nosniff',
      ...cors,
    });
    res.end(object.bytes);
    return;
  }

  const declaredType = req.headers['content-type'] ?? '';
  const declaredLength = Number(req.headers['content-length']);
  if (declaredType !== grant.contentType)
    return send(res, 403, `content-type must be ${grant.contentType}`, cors);
  const maxUpload = options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD;
  if (declaredLength !== grant.size || declaredLength > maxUpload) {
    return send(res, 403, `content-length must be ${grant.size}`, cors);
  }
  const body = await readExactly(req, declaredLength);
  if (!body)
    return send(res, 400, 'the body does not match its content-length', { connection: 'close', ...cors });
  await options.backend.write(grant.bucket, grant.key, { bytes: body, contentType: grant.contentType });
  send(res, 200, 'stored', cors);
}

/** Reads the body, refusing (undefined) as soon as it runs past `length`. */
function readExactly(req: IncomingMessage, length: number): Promise<Uint8Array | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > length) {
        req.removeAllListeners('data');
        req.resume();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(received === length ? new Uint8Array(Buffer.concat(chunks)) : undefined));
    req.on('error', () => resolve(undefined));
  });
}
