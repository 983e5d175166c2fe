import { execFileSync } from 'node:child_process';
import { createSign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, globalAgent, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A stand-in for SNS in tests: a key and self-signed certificate generated now with the `openssl`
 * CLI (never committed), served over https from 127.0.0.1 as the signing certificate and as the
 * SubscribeURL endpoint, and messages signed as SNS signs them (SignatureVersion 2, SHA256withRSA
 * over the documented `key\nvalue\n` string). The intake's validator fetches certificates with
 * node:https' global agent, so this process trusts the test certificate; nothing else does.
 */
export interface FakeSns {
  readonly origin: string;
  /** The host pattern the intake is configured with in tests (AWS: SNS hosts only). */
  readonly hosts: RegExp;
  readonly certUrl: string;
  /** SubscribeURL GETs received (their query strings). */
  readonly confirmations: string[];
  sign(message: Record<string, string>, certUrl?: string): Record<string, string>;
  stop(): Promise<void>;
}

const NOTIFICATION_KEYS = [
  'Message',
  'MessageId',
  'Subject',
  'SubscribeURL',
  'Timestamp',
  'TopicArn',
  'Type',
];
const SUBSCRIPTION_KEYS = [
  'Message',
  'MessageId',
  'Subject',
  'SubscribeURL',
  'Timestamp',
  'Token',
  'TopicArn',
  'Type',
];

export async function startFakeSns(): Promise<FakeSns> {
  const dir = mkdtempSync(join(tmpdir(), 'opsdesk-sns-'));
  const keyPath = join(dir, 'key.pem');
  const certPath = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      keyPath,
      '-out',
      certPath,
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  const key = readFileSync(keyPath, 'utf8');
  const cert = readFileSync(certPath, 'utf8');
  rmSync(dir, { recursive: true, force: true });
  const confirmations: string[] = [];
  const server: Server = createServer({ key, cert }, (request, response) => {
    const url = new URL(request.url ?? '/', 'https://127.0.0.1');
    if (url.pathname.endsWith('.pem')) {
      response.writeHead(200, { 'content-type': 'application/x-pem-file' }).end(cert);
      return;
    }
    if (url.searchParams.get('Action') === 'ConfirmSubscription') {
      confirmations.push(url.search);
      response.writeHead(200, { 'content-type': 'text/xml' }).end('<ConfirmSubscriptionResponse/>');
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const previousCa = globalAgent.options.ca;
  globalAgent.options.ca = cert;
  const certUrl = `${origin}/SimpleNotificationService-test.pem`;
  return {
    origin,
    hosts: /^127\.0\.0\.1:\d+$/,
    certUrl,
    confirmations,
    sign(message, signingCertUrl = certUrl) {
      const keys = message.Type === 'Notification' ? NOTIFICATION_KEYS : SUBSCRIPTION_KEYS;
      const signer = createSign('RSA-SHA256');
      for (const name of keys) if (name in message) signer.update(`${name}\n${message[name]}\n`, 'utf8');
      return {
        ...message,
        SignatureVersion: '2',
        SigningCertURL: signingCertUrl,
        Signature: signer.sign(key, 'base64'),
      };
    },
    async stop() {
      globalAgent.options.ca = previousCa;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
