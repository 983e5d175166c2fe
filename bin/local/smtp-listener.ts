import type { AddressInfo } from 'node:net';
import type { S3Event } from 'aws-lambda';
import { SMTPServer } from 'smtp-server';
import { ulid } from 'ulid';
import type { ObjectStore } from '../../functions/attachments/store/object-store.js';
import { RetryLaterError } from '../../functions/email/gateway.js';
import type { Logger } from './log.js';

/**
 * The local stand-in for SES receiving: an SMTP listener on 127.0.0.1 that stores each mail in the
 * raw-mail bucket under `inbox/`, as the SES S3 action does, then calls the very handler the S3
 * trigger calls on AWS, with an S3 event for that object. The SMTP reply says what happened:
 * 250 when the mail was taken (whatever the ingest decided), 451 when it should be retried (as
 * SES would retry delivery), 552 when it is too large. The limit is advertised (EHLO `SIZE`,
 * RFC 1870), so a client that declares a larger size is refused at MAIL FROM, before sending it.
 * Protocol garbage gets SMTP errors from smtp-server; a broken connection never stops the listener.
 */
export type S3TriggerHandler = (event: S3Event) => Promise<unknown>;

export interface SmtpListenerOptions {
  readonly rawMail: ObjectStore;
  readonly bucketName: string;
  readonly handler: S3TriggerHandler;
  readonly log: Logger;
  /**
   * The size advertised (EHLO SIZE) and accepted. The local gateway passes its own limit (10 MB,
   * settings.maxMailBytes); SES, which accepts up to 40 MB, is the default here.
   */
  readonly maxBytes?: number;
  readonly maxClients?: number;
}

export interface SmtpListener {
  readonly port: number;
  stop(): Promise<void>;
}

const DEFAULT_MAX_BYTES = 40 * 1024 * 1024;

export async function startSmtpListener(
  options: SmtpListenerOptions,
  port: number,
  host = '127.0.0.1',
): Promise<SmtpListener> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const server = new SMTPServer({
    banner: 'Opsdesk local mail gateway',
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: maxBytes,
    maxClients: options.maxClients ?? 100,
    socketTimeout: 30_000,
    closeTimeout: 5_000,
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      let received = 0;
      stream.on('data', (chunk: Buffer) => {
        received += chunk.length;
        // Past the limit, stop keeping bytes; smtp-server marks the stream sizeExceeded.
        if (received <= maxBytes) chunks.push(chunk);
      });
      stream.on('error', (error: Error) => callback(error));
      stream.on('end', () => {
        if (stream.sizeExceeded) {
          callback(smtpError(552, `message exceeds the ${maxBytes}-byte limit`));
          return;
        }
        deliver(Buffer.concat(chunks), options).then(
          (message) => callback(null, message),
          (error: unknown) => callback(error as Error),
        );
      });
    },
  });
  // smtp-server re-emits its socket's errors: a failed listen is reported once, by the rejection
  // below (the caller names the port), not also logged as a dropped connection.
  const whileListening = () => undefined;
  server.on('error', whileListening);
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(port, host, () => {
      server.server.removeListener('error', reject);
      resolve();
    });
  });
  server.removeListener('error', whileListening);
  server.on('error', (error: Error) => options.log.error('SMTP listener error (connection dropped)', error));
  return {
    port: (server.server.address() as AddressInfo).port,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function deliver(raw: Buffer, options: SmtpListenerOptions): Promise<string> {
  const key = `inbox/${ulid()}`;
  try {
    await options.rawMail.put(key, new Uint8Array(raw), 'message/rfc822');
    const event: S3Event = {
      Records: [
        {
          eventVersion: '2.1',
          eventSource: 'aws:s3',
          awsRegion: 'local',
          eventTime: new Date().toISOString(),
          eventName: 'ObjectCreated:Put',
          userIdentity: { principalId: 'local' },
          requestParameters: { sourceIPAddress: '127.0.0.1' },
          responseElements: { 'x-amz-request-id': key, 'x-amz-id-2': key },
          s3: {
            s3SchemaVersion: '1.0',
            configurationId: 'local-smtp',
            bucket: {
              name: options.bucketName,
              ownerIdentity: { principalId: 'local' },
              arn: `arn:aws:s3:::${options.bucketName}`,
            },
            object: { key: encodeURIComponent(key), size: raw.length, eTag: '', sequencer: '' },
          },
        },
      ],
    };
    const results = await options.handler(event);
    return `queued as ${key} ${JSON.stringify(results).slice(0, 200)}`;
  } catch (error) {
    if (error instanceof RetryLaterError)
      throw smtpError(451, 'the same message is being processed; try again later');
    options.log.error(`ingest of ${key} failed`, error);
    throw smtpError(451, 'temporary failure, try again later');
  }
}

function smtpError(code: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode: code });
}
