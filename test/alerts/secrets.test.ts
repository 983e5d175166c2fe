import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KMSClient } from '@aws-sdk/client-kms';
import { Webhook } from 'standardwebhooks';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCAL_ALERTS_KEY_FILE, localSecretCipher } from '../../bin/local/alerts-key.js';
import { KmsSecretCipher } from '../../functions/alerts/secrets/kms-secret-cipher.js';
import { ephemeralSecretCipher } from '../../functions/alerts/secrets/local-secret-cipher.js';
import {
  newWebhookSecret,
  signedByAny,
  webhookHeaders,
  withinTolerance,
} from '../../functions/alerts/standard-webhooks.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('HMAC keys sealed at rest (local AES-256-GCM adapter)', () => {
  it('opens what it sealed, only for the same integration; a changed byte fails', async () => {
    const cipher = ephemeralSecretCipher();
    const sealed = await cipher.seal('whsec_abc', 'prom');
    expect(sealed).not.toContain('whsec_abc');
    expect(await cipher.open(sealed, 'prom')).toBe('whsec_abc');
    await expect(cipher.open(sealed, 'other')).rejects.toThrow();
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3]!, 'base64url');
    body[0] = body[0]! ^ 1;
    await expect(
      cipher.open([...parts.slice(0, 3), body.toString('base64url')].join('.'), 'prom'),
    ).rejects.toThrow();
    await expect(ephemeralSecretCipher().open(sealed, 'prom')).rejects.toThrow();
  });

  it('keeps its key in the data directory (mode 0600), or takes OPSDESK_ALERTS_KEY; never one in code', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'opsdesk-alerts-key-'));
    dirs.push(dir);
    const sealed = await localSecretCipher(dir, {}).seal('s', 'i');
    expect(statSync(join(dir, LOCAL_ALERTS_KEY_FILE)).mode & 0o777).toBe(0o600);
    // Another process (a restart) opens it with the same file.
    expect(await localSecretCipher(dir, {}).open(sealed, 'i')).toBe('s');
    const key = Buffer.alloc(32, 7).toString('base64url');
    const fromEnv = await localSecretCipher(dir, { OPSDESK_ALERTS_KEY: key }).seal('s', 'i');
    await expect(localSecretCipher(dir, {}).open(fromEnv, 'i')).rejects.toThrow();
    expect(await localSecretCipher('/nonexistent', { OPSDESK_ALERTS_KEY: key }).open(fromEnv, 'i')).toBe('s');
    expect(readFileSync(join(dir, LOCAL_ALERTS_KEY_FILE), 'utf8').trim()).not.toBe(key);
    await expect(localSecretCipher(dir, { OPSDESK_ALERTS_KEY: 'short' }).seal('s', 'i')).rejects.toThrow(
      /32-byte/,
    );
  });
});

describe('HMAC keys sealed at rest (KMS adapter)', () => {
  it('Encrypts and Decrypts with the stack key, the integration id as encryption context', async () => {
    const sent: { name: string; input: Record<string, unknown> }[] = [];
    // A stand-in for KMS that, like KMS, refuses a Decrypt whose encryption context differs.
    const kms = {
      async send(command: { constructor: { name: string }; input: Record<string, unknown> }) {
        sent.push({ name: command.constructor.name, input: command.input });
        const context = JSON.stringify(command.input.EncryptionContext);
        if (command.constructor.name === 'EncryptCommand') {
          const plain = Buffer.from(command.input.Plaintext as Uint8Array).toString('utf8');
          return { CiphertextBlob: Buffer.from(JSON.stringify({ context, plain })) };
        }
        const blob = JSON.parse(Buffer.from(command.input.CiphertextBlob as Uint8Array).toString('utf8'));
        if (blob.context !== context) throw new Error('InvalidCiphertextException');
        return { Plaintext: Buffer.from(blob.plain) };
      },
    };
    const cipher = new KmsSecretCipher(kms as unknown as KMSClient, 'arn:aws:kms:eu-west-1:1:key/k');
    const sealed = await cipher.seal('whsec_abc', 'prom');
    expect(sealed).toMatch(/^kms\./);
    expect(await cipher.open(sealed, 'prom')).toBe('whsec_abc');
    await expect(cipher.open(sealed, 'other')).rejects.toThrow();
    await expect(cipher.open('v1.x.y.z', 'prom')).rejects.toThrow(/not a KMS-sealed/);
    expect(sent.map((call) => call.name)).toEqual(['EncryptCommand', 'DecryptCommand', 'DecryptCommand']);
    for (const call of sent) {
      expect(call.input).toMatchObject({
        KeyId: 'arn:aws:kms:eu-west-1:1:key/k',
        EncryptionContext: { integrationId: expect.any(String) },
      });
    }
  });
});

describe('Standard Webhooks verification', () => {
  const secret = newWebhookSecret(Buffer.alloc(32, 3));
  const other = newWebhookSecret(Buffer.alloc(32, 4));
  const body = new TextEncoder().encode('{"a":1}');
  const now = new Date('2026-12-07T09:00:00.000Z');
  const headersFor = (key: string, at = now, id = 'msg_1') => ({
    'webhook-id': id,
    'webhook-timestamp': String(at.getTime() / 1000),
    'webhook-signature': new Webhook(key).sign(id, at, body),
  });

  it('accepts a signature by any valid key, among several presented; refuses others', () => {
    const parsed = webhookHeaders(headersFor(secret))!;
    expect(signedByAny(parsed, body, [secret])).toBe(true);
    expect(signedByAny(parsed, body, [other, secret])).toBe(true);
    expect(signedByAny(parsed, body, [other])).toBe(false);
    expect(signedByAny(parsed, new TextEncoder().encode('{"a":2}'), [secret])).toBe(false);
    const several = webhookHeaders({
      ...headersFor(secret),
      'webhook-signature': `${headersFor(other)['webhook-signature']} ${headersFor(secret)['webhook-signature']}`,
    })!;
    expect(several.signatures).toHaveLength(2);
    expect(signedByAny(several, body, [secret])).toBe(true);
  });

  it('±5 minutes of the stack clock, boundaries included; malformed headers are none at all', () => {
    const at = (seconds: number) =>
      webhookHeaders(headersFor(secret, new Date(now.getTime() + seconds * 1000)))!;
    expect(withinTolerance(at(-300), now)).toBe(true);
    expect(withinTolerance(at(300), now)).toBe(true);
    expect(withinTolerance(at(-301), now)).toBe(false);
    expect(withinTolerance(at(301), now)).toBe(false);
    expect(webhookHeaders({ ...headersFor(secret), 'webhook-timestamp': 'soon' })).toBeUndefined();
    expect(webhookHeaders({ 'webhook-id': 'x', 'webhook-timestamp': '1' })).toBeUndefined();
  });
});
