import { describe, expect, it } from 'vitest';
import { configFromContext, parseStackConfig } from '../../lib/config.js';

describe('stack config', () => {
  it('fills every default for an empty context', () => {
    expect(parseStackConfig({})).toEqual({
      stage: 'dev',
      production: false,
      identity: { kind: 'cognito' },
      groupsClaim: 'cognito:groups',
      emailVerifyingIssuers: [],
      corsOrigins: [],
      logRetentionDays: 30,
    });
  });

  it('treats the prod stage as production unless told otherwise', () => {
    expect(parseStackConfig({ stage: 'prod' }).production).toBe(true);
    expect(parseStackConfig({ stage: 'prod', production: false }).production).toBe(false);
    expect(parseStackConfig({ stage: 'staging', production: true }).production).toBe(true);
  });

  it('accepts the string forms `cdk -c key=value` produces', () => {
    const config = parseStackConfig({
      production: 'true',
      logRetentionDays: '14',
      corsOrigins: 'https://desk.example.com, https://admin.example.com',
      identity: '{"kind":"oidc","issuer":"https://login.example.com/","audience":"opsdesk,opsdesk-cli"}',
    });
    expect(config.production).toBe(true);
    expect(config.logRetentionDays).toBe(14);
    expect(config.corsOrigins).toEqual(['https://desk.example.com', 'https://admin.example.com']);
    expect(config.identity).toEqual({
      kind: 'oidc',
      issuer: 'https://login.example.com/',
      audience: ['opsdesk', 'opsdesk-cli'],
    });
  });

  it('reads the issuers that verify email addresses, as a list or a comma list', () => {
    const issuers = ['https://login.example.com/', 'https://sts.example.org/tenant/v2.0'];
    expect(parseStackConfig({ emailVerifyingIssuers: issuers }).emailVerifyingIssuers).toEqual(issuers);
    expect(parseStackConfig({ emailVerifyingIssuers: issuers.join(', ') }).emailVerifyingIssuers).toEqual(
      issuers,
    );
  });

  it('reads the deployment keys', () => {
    expect(
      parseStackConfig({
        account: '123456789012',
        region: 'eu-west-1',
        alarmEmail: 'oncall@example.com',
        tableName: 'opsdesk-prod-restored',
      }),
    ).toMatchObject({
      account: '123456789012',
      region: 'eu-west-1',
      alarmEmail: 'oncall@example.com',
      tableName: 'opsdesk-prod-restored',
    });
  });

  it('reads only its own keys from the context', () => {
    const context: Record<string, unknown> = { stage: 'qa', 'aws:cdk:bundling-stacks': [], unrelated: 42 };
    expect(configFromContext((key) => context[key]).stage).toBe('qa');
  });

  it.each([
    [{ stage: 'Prod!' }, 'stage'],
    [{ production: 'yes' }, 'production'],
    [{ identity: { kind: 'saml' } }, 'identity.kind'],
    [{ identity: { kind: 'oidc', issuer: 'http://login.example.com', audience: ['a'] } }, 'identity.issuer'],
    [{ identity: { kind: 'oidc', issuer: 'https://login.example.com', audience: [] } }, 'identity.audience'],
    [{ identity: { kind: 'cognito', issuer: 'https://login.example.com' } }, 'identity'],
    [{ groupsClaim: '' }, 'groupsClaim'],
    [{ emailVerifyingIssuers: ['http://login.example.com/'] }, 'emailVerifyingIssuers.0'],
    [{ emailVerifyingIssuers: 'login.example.com' }, 'emailVerifyingIssuers.0'],
    [{ corsOrigins: ['desk.example.com'] }, 'corsOrigins.0'],
    [{ logRetentionDays: 31 }, 'logRetentionDays'],
    [{ logRetentionDays: 'a month' }, 'logRetentionDays'],
    [{ account: '1234' }, 'account'],
    [{ region: 'Europe' }, 'region'],
    [{ alarmEmail: 'oncall' }, 'alarmEmail'],
    [{ tableName: 'a/b' }, 'tableName'],
  ])('rejects %j naming %s', (raw, key) => {
    expect(() => parseStackConfig(raw)).toThrow(
      new RegExp(`Invalid Opsdesk stack config: .*\\b${escapeRegExp(key)}: `),
    );
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
