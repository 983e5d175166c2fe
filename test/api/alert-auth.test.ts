import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultFunctions } from '../../bin/local/default-functions.js';
import { assembleAlerts } from '../../functions/alerts/function.js';
import { ephemeralSecretCipher } from '../../functions/alerts/secrets/local-secret-cipher.js';
import { type FakeSns, startFakeSns } from '../alerts/support/sns-signing.js';
import { type ApiClient, api, type LocalRuntime, startTestRuntime } from '../support/runtime.js';

const fixture = (name: string) =>
  JSON.parse(readFileSync(join(import.meta.dirname, '..', 'alerts', 'fixtures', name), 'utf8'));

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Standard Webhooks HMAC and SNS deliveries over HTTP (docs/alerts.md#standard-webhooks-hmac,
 * #cloudwatch-through-sns). SNS is played by a 127.0.0.1 https server with a certificate made by
 * `openssl` now; only this test's intake trusts that host (AWS: SNS hosts only).
 */
describe('alert intake credentials: HMAC and SNS', () => {
  let rt: LocalRuntime;
  let sns: FakeSns;
  let admin: ApiClient;
  let anon: ApiClient;
  let hmacSecret: string;
  const topic = 'arn:aws:sns:us-east-1:123456789012:cloudwatch-alarms';
  const unauthorized = { status: 401, type: '', title: '', detail: '' };

  beforeAll(async () => {
    sns = await startFakeSns();
    const cipher = ephemeralSecretCipher();
    rt = await startTestRuntime({
      functions: {
        http: {
          ...defaultFunctions.http,
          alerts: (deps) => assembleAlerts(deps, { cipher, snsHosts: sns.hosts }),
        },
      },
    });
    admin = api(rt, { token: rt.adminToken });
    anon = api(rt);
    const created = await admin.request('PUT', '/integrations/signed', {
      body: { name: 'Signed sender', kind: 'pagerduty_v2', auth: { mode: 'hmac' } },
    });
    expect(created.status).toBe(201);
    hmacSecret = created.json.secret;
    const snsCreated = await admin.request('PUT', '/integrations/cw-sns', {
      body: { name: 'CloudWatch via SNS', kind: 'sns_cloudwatch', auth: { mode: 'sns', topicArns: [topic] } },
    });
    expect(snsCreated.status).toBe(201);
    expect(snsCreated.json.secret).toBeUndefined();
    const wrong = await anon.request('POST', '/alerts/does-not-exist', { body: {} });
    Object.assign(unauthorized, {
      type: wrong.json.type,
      title: wrong.json.title,
      detail: wrong.json.detail,
    });
    expect(wrong.status).toBe(401);
  });
  afterAll(async () => {
    await rt?.stop();
    await sns?.stop();
  });

  const signed = (
    body: unknown,
    options: { secret?: string; id?: string; at?: Date; extraSignatures?: string[] } = {},
  ) => {
    const text = JSON.stringify(body);
    const id = options.id ?? `msg_${Math.random().toString(36).slice(2)}`;
    const at = options.at ?? new Date();
    const signature = new Webhook(options.secret ?? hmacSecret).sign(id, at, text);
    return anon.request('POST', '/alerts/signed', {
      body: text,
      headers: {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        'webhook-signature': [...(options.extraSignatures ?? []), signature].join(' '),
      },
    });
  };
  const trigger = (key: string) => ({
    event_action: 'trigger',
    dedup_key: key,
    payload: { summary: `Signed alert ${key}`, source: 'host-1', severity: 'warning' },
  });
  const expectUnauthorized = (res: { status: number; json: Record<string, unknown> }) => {
    expect(res.status).toBe(401);
    expect({
      status: res.status,
      type: res.json.type,
      title: res.json.title,
      detail: res.json.detail,
    }).toEqual(unauthorized);
  };

  it('HMAC: the key is shown once (Standard Webhooks format) and stored only sealed', async () => {
    expect(hmacSecret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const item = await rt.deps.dynamo.send(
      new GetCommand({ TableName: rt.tableName, Key: { PK: 'INTEGRATION', SK: 'signed' } }),
    );
    const stored = JSON.stringify(item.Item);
    expect(stored).not.toContain(hmacSecret);
    expect(stored).not.toContain(hmacSecret.slice('whsec_'.length));
    expect(item.Item?.secrets[0].sealed).toMatch(/^v1\./);
    const read = await admin.request('GET', '/integrations/signed');
    expect(JSON.stringify(read.json)).not.toContain('sealed');
  });

  it('HMAC: a signed delivery is applied; its webhook-id again answers the first result as duplicate_delivery', async () => {
    const first = await signed(trigger('h-1'), { id: 'msg_1' });
    expect(first.status).toBe(202);
    expect(first.json).toMatchObject({ result: 'created', dedup_key: 'h-1' });
    const again = await signed(trigger('h-1'), { id: 'msg_1' });
    expect(again.json).toMatchObject({ result: 'duplicate_delivery', incidentId: first.json.incidentId });
    const next = await signed(trigger('h-1'), { id: 'msg_2' });
    expect(next.json.result).toBe('deduplicated');
  });

  it('HMAC: several signatures (sender rotation) pass when one is right', async () => {
    const res = await signed(trigger('h-2'), {
      extraSignatures: ['v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='],
    });
    expect(res.status).toBe(202);
  });

  it('HMAC: wrong key, tampered body, missing headers, timestamps beyond ±5 min: the same 401 as an unknown integration', async () => {
    expectUnauthorized(
      await signed(trigger('h-3'), { secret: `whsec_${Buffer.alloc(32, 1).toString('base64')}` }),
    );
    expectUnauthorized(await signed(trigger('h-3'), { at: new Date(Date.now() - 6 * 60_000) }));
    expectUnauthorized(await signed(trigger('h-3'), { at: new Date(Date.now() + 6 * 60_000) }));
    expect((await signed(trigger('h-3'), { at: new Date(Date.now() - 4 * 60_000) })).status).toBe(202);
    const tampered = await anon.request('POST', '/alerts/signed', {
      body: JSON.stringify(trigger('h-4')),
      headers: {
        'content-type': 'application/json',
        'webhook-id': 'msg_t',
        'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
        'webhook-signature': new Webhook(hmacSecret).sign(
          'msg_t',
          new Date(),
          JSON.stringify(trigger('h-5')),
        ),
      },
    });
    expectUnauthorized(tampered);
    expectUnauthorized(await anon.request('POST', '/alerts/signed', { body: trigger('h-4') }));
    // A bearer secret is no credential for an hmac integration.
    expectUnauthorized(
      await anon.request('POST', '/alerts/signed', {
        body: trigger('h-4'),
        headers: { authorization: `Bearer ${hmacSecret}` },
      }),
    );
  });

  it('HMAC: rotation answers a new key once; the previous one signs for 24 h more; disabled answers 403', async () => {
    const rotated = await admin.request('POST', '/integrations/signed/secret');
    expect(rotated.status).toBe(201);
    expect(rotated.json.secret).toMatch(/^whsec_/);
    expect((await signed(trigger('h-6'))).status).toBe(202);
    expect((await signed(trigger('h-6'), { secret: rotated.json.secret })).status).toBe(202);
    await admin.request('POST', '/_local/clock', { body: { advanceMinutes: 24 * 60 + 1 } });
    const at = new Date(rt.clock.now().getTime());
    expectUnauthorized(await signed(trigger('h-6'), { at }));
    expect((await signed(trigger('h-6'), { secret: rotated.json.secret, at })).status).toBe(202);
    await admin.request('PUT', '/integrations/signed', {
      body: { name: 'Signed sender', kind: 'pagerduty_v2', auth: { mode: 'hmac' }, enabled: false },
    });
    // Configuration is cached for 30 s per container (docs/alerts.md#storage).
    rt.clock.set(new Date(rt.clock.now().getTime() + 31_000));
    const later = new Date(rt.clock.now().getTime());
    const disabled = await signed(trigger('h-6'), { secret: rotated.json.secret, at: later });
    expect(disabled.status).toBe(403);
    expect(disabled.json.code).toBe('integration_disabled');
    const wrongWhileDisabled = await signed(trigger('h-6'), { at: later });
    expectUnauthorized(wrongWhileDisabled);
    await admin.request('POST', '/_local/clock', { body: { real: true } });
  });

  const snsPost = (message: Record<string, unknown>) =>
    anon.request('POST', '/alerts/cw-sns', {
      body: JSON.stringify(message),
      headers: {
        'content-type': 'text/plain; charset=UTF-8',
        'x-amz-sns-message-type': String(message.Type),
      },
    });

  it('SNS: a SubscriptionConfirmation for an allowed topic is confirmed by GET on its SubscribeURL', async () => {
    const confirmation = sns.sign({
      Type: 'SubscriptionConfirmation',
      MessageId: '165545c9-2a5c-472c-8df2-7ff2be2b3b1b',
      Token:
        '2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a747ba6f3beb71854e285d6ad02428b09ceece29417f1f02d609c582afbacc99c583a916b9981dd2728f4ae6fdb82efd087cc3b7849e05798d2d2785c03b0879594eeac82c01f235d0e717736',
      TopicArn: topic,
      Message: `You have chosen to subscribe to the topic ${topic}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`,
      SubscribeURL: `${sns.origin}/?Action=ConfirmSubscription&TopicArn=${topic}&Token=2336412f37`,
      Timestamp: '2012-04-26T20:45:04.751Z',
    });
    const res = await snsPost(confirmation);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ subscription: 'confirmed', topicArn: topic });
    expect(sns.confirmations).toHaveLength(1);
    expect(sns.confirmations[0]).toContain('Token=2336412f37');
    // Another topic is refused like a bad signature, and nothing is fetched.
    expectUnauthorized(await snsPost(sns.sign({ ...confirmation, TopicArn: `${topic}-other` })));
    // A SubscribeURL off the SNS hosts is refused, and not fetched.
    expectUnauthorized(
      await snsPost(
        sns.sign({ ...confirmation, SubscribeURL: 'https://example.com/?Action=ConfirmSubscription' }),
      ),
    );
    expect(sns.confirmations).toHaveLength(1);
  });

  it("SNS: AWS's documented CloudWatch notification opens an incident; OK resolves it; the same MessageId is a duplicate", async () => {
    const example = fixture('sns-cloudwatch-notification.json');
    const { Signature: _s, SigningCertURL: _c, SignatureVersion: _v, ...fields } = example;
    const notification = sns.sign(fields);
    const created = await snsPost(notification);
    expect(created.status).toBe(200);
    expect(created.json.result).toBe('created');
    const agent = api(rt, { token: rt.tokenFor('ann', ['agent']) });
    const incident = (await agent.request('GET', `/tickets/${created.json.incidentId}`)).json;
    expect(incident).toMatchObject({ source: 'alert', title: 'awsec2-i-0abc1234-High-CPU-Utilization' });
    expect((await snsPost(notification)).json.result).toBe('duplicate_delivery');
    const message = JSON.parse(example.Message);
    const ok = sns.sign({
      ...fields,
      MessageId: 'a1b2c3d4-5678-90ab-cdef-EXAMPLE22222',
      Message: JSON.stringify({
        ...message,
        NewStateValue: 'OK',
        OldStateValue: 'ALARM',
        StateChangeTime: '2023-08-01T10:20:00.000+0000',
      }),
    });
    const resolved = await snsPost(ok);
    expect(resolved.json).toEqual({ result: 'resolved', incidentId: created.json.incidentId });
  });

  it('SNS: a bad signature, version 1, a foreign certificate host or another topic: the same 401', async () => {
    const {
      Signature: _s,
      SigningCertURL: _c,
      SignatureVersion: _v,
      ...fields
    } = fixture('sns-cloudwatch-notification.json');
    const good = sns.sign({ ...fields, MessageId: 'm-bad-1' });
    expectUnauthorized(await snsPost({ ...good, Message: good.Message!.replace('ALARM', 'OK') }));
    expectUnauthorized(await snsPost({ ...good, SignatureVersion: '1' }));
    expectUnauthorized(
      await snsPost(sns.sign({ ...fields, MessageId: 'm-bad-2' }, 'https://evil.example.com/cert.pem')),
    );
    expectUnauthorized(
      await snsPost(sns.sign({ ...fields, MessageId: 'm-bad-3', TopicArn: `${topic}-other` })),
    );
    expectUnauthorized(await snsPost(fixture('sns-cloudwatch-notification.json')));
    expectUnauthorized(
      await anon.request('POST', '/alerts/cw-sns', {
        body: '{"Type":',
        headers: { 'content-type': 'text/plain' },
      }),
    );
  });

  it('bad input behind valid signatures is a 400 naming the path, never a 5xx', async () => {
    const created = await admin.request('PUT', '/integrations/signed-am', {
      body: { name: 'Signed Alertmanager', kind: 'alertmanager', auth: { mode: 'hmac' } },
    });
    const post = (raw: string, id: string) => {
      const at = new Date();
      return anon.request('POST', '/alerts/signed-am', {
        body: raw,
        headers: {
          'content-type': 'application/json',
          'webhook-id': id,
          'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
          'webhook-signature': new Webhook(created.json.secret).sign(id, at, raw),
        },
      });
    };
    const malformed = await post('{"version":', 'msg_bad_json');
    expect(malformed.status).toBe(400);
    expect(malformed.json.errors.map((e: { path: string }) => e.path)).toEqual(['']);
    const version = await post(JSON.stringify({ version: '3', alerts: [] }), 'msg_bad_version');
    expect(version.status).toBe(400);
    expect(version.json.errors.map((e: { path: string }) => e.path)).toEqual(['version']);
    expect((await post(JSON.stringify({ version: '4', alerts: [] }), 'msg_ok')).json).toEqual({
      received: 0,
      results: [],
    });
    const {
      Signature: _s,
      SigningCertURL: _c,
      SignatureVersion: _v,
      ...fields
    } = fixture('sns-cloudwatch-notification.json');
    const garbage = await snsPost(sns.sign({ ...fields, MessageId: 'm-garbage', Message: 'not json' }));
    expect(garbage.status).toBe(400);
    expect(garbage.headers.get('content-type')).toContain('application/problem+json');
    expect(garbage.json.errors.map((e: { path: string }) => e.path)).toEqual(['Message']);
    const noArn = await snsPost(
      sns.sign({ ...fields, MessageId: 'm-no-arn', Message: JSON.stringify({ NewStateValue: 'ALARM' }) }),
    );
    expect(noArn.status).toBe(400);
    expect(noArn.json.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'Message.AlarmArn',
      'Message.StateChangeTime',
    ]);
  });

  it('SNS: an UnsubscribeConfirmation is acknowledged and ignored', async () => {
    const res = await snsPost(
      sns.sign({
        Type: 'UnsubscribeConfirmation',
        MessageId: '47138184-6831-46b8-8f7c-afc488602d7d',
        Token:
          '2336412f37fb687f5d51e6e241d09c805a5a57b30d712f7948a98bac386edfe3e10314e873973b3e0a3c09119b722dedf2b5e31c59b13edbb26417c19f109351e6f2169efa9085ffe97e10535f4179ac1a03590b0f541f209c190f9ae23219ed6c470453e06c19b5ba9fcbb27daeb7c7',
        TopicArn: topic,
        Message: `You have chosen to deactivate subscription arn:aws:sns:us-east-1:123456789012:cloudwatch-alarms:2bcfbf39.`,
        SubscribeURL: `${sns.origin}/?Action=ConfirmSubscription&TopicArn=${topic}&Token=2336`,
        Timestamp: '2012-04-26T20:06:41.581Z',
      }),
    );
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ subscription: 'ignored', topicArn: topic });
    expect(sns.confirmations).toHaveLength(1);
  });
});
