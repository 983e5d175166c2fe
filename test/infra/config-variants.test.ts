import { join } from 'node:path';
import { Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/app.js';
import { CONFIG_DIR } from '../../lib/config-file.js';
import { ROLE_GROUPS } from '../../lib/identity.js';
import { logicalIdOf, synthOpsdesk } from './synth.js';

// One synthesis per configuration a team deploys. Each passes cdk-nag (synthesis throws on any
// unacknowledged finding), and differs from the others exactly where its config says.

const OIDC = { kind: 'oidc', issuer: 'https://login.example.com/realms/ops', audience: ['opsdesk'] };

describe('config variant: default (no config at all)', () => {
  const { template, stack, config } = synthOpsdesk();

  it('is the dev stage, environment-agnostic, with a Cognito user pool and the four role groups', () => {
    expect(stack.stackName).toBe('Opsdesk-dev');
    expect(config.production).toBe(false);
    expect(Token.isUnresolved(stack.account)).toBe(true);
    expect(Token.isUnresolved(stack.region)).toBe(true);
    template.resourceCountIs('AWS::Cognito::UserPool', 1);
    const groups = Object.values(template.findResources('AWS::Cognito::UserPoolGroup'));
    expect(groups.map((group) => group.Properties.GroupName).sort()).toEqual([...ROLE_GROUPS].sort());
  });

  it('lets CloudFormation name the table and has alarms with no subscriber yet', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', { TableName: Match.absent() });
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    expect(Object.keys(template.findResources('AWS::CloudWatch::Alarm')).length).toBeGreaterThan(10);
  });
});

describe('config variant: external OIDC identity provider', () => {
  const { template } = synthOpsdesk({ stage: 'dev', identity: OIDC, groupsClaim: 'groups' });

  it('trusts the configured issuer and audience instead of a user pool of its own', () => {
    template.resourceCountIs('AWS::Cognito::UserPool', 0);
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      JwtConfiguration: { Issuer: OIDC.issuer, Audience: OIDC.audience },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ GROUPS_CLAIM: 'groups' }) },
    });
  });
});

describe('config variant: production', () => {
  const { template, stack } = synthOpsdesk({ stage: 'prod', alarmEmail: 'oncall@example.com' });

  it('keeps data, protects it and the stack, and pages the alarm email', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
    });
    expect(stack.terminationProtection).toBe(true);
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
    });
    for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties.AlarmName).toMatch(/^opsdesk-prod-/);
    }
  });
});

describe('config variant: pinned to an account and region, after a table restore', () => {
  const { template, stack } = synthOpsdesk({
    stage: 'prod',
    account: '123456789012',
    region: 'eu-west-1',
    tableName: 'opsdesk-prod-restored-20261123',
  });

  it('targets exactly that account and region', () => {
    expect(stack.account).toBe('123456789012');
    expect(stack.region).toBe('eu-west-1');
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'opsdesk-prod-eu-west-1' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      JwtConfiguration: Match.objectLike({
        Issuer: { 'Fn::Join': ['', ['https://cognito-idp.eu-west-1.amazonaws.com/', Match.anyValue()]] },
      }),
    });
  });

  it('uses the named table (a new name replaces the table; production keeps the old one)', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({ TableName: 'opsdesk-prod-restored-20261123' }),
    });
  });
});

describe('config variant: the shipped production example file', () => {
  it('synthesises as it is, cdk-nag included', () => {
    const { app, stack, config } = buildApp({
      context: { configFile: join(CONFIG_DIR, 'prod.example.json') },
      skipBundling: true,
      builtinCloudFormationValidation: false,
    });
    expect(() => app.synth()).not.toThrow();
    expect(config).toMatchObject({ stage: 'prod', region: 'eu-west-1', logRetentionDays: 90 });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SNS::Subscription', { Endpoint: 'oncall@example.com' });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
  });
});

describe('config variant: email to ticket, receiving on (the default once a domain is set)', () => {
  const { template } = synthOpsdesk({ stage: 'dev', emailDomain: 'desk.example.com' });

  it('receives mail for the support address into a private bucket, without activating the rule set', () => {
    template.resourceCountIs('AWS::SES::ReceiptRuleSet', 1);
    template.hasResourceProperties('AWS::SES::ReceiptRule', {
      Rule: Match.objectLike({ Recipients: ['support@desk.example.com'], ScanEnabled: true }),
    });
    // Activation replaces the account's active rule set: only with activateReceiptRuleSet.
    expect(JSON.stringify(template.toJSON())).not.toContain('setActiveReceiptRuleSet');
  });

  it('activates the rule set only when told to', () => {
    const activated = synthOpsdesk({
      stage: 'dev',
      emailDomain: 'desk.example.com',
      activateReceiptRuleSet: true,
    }).template;
    expect(JSON.stringify(activated.toJSON())).toContain('setActiveReceiptRuleSet');
    // Its handler is watched like every function, under a name that says what it is.
    const names = Object.values(activated.findResources('AWS::CloudWatch::Alarm')).map(
      (alarm) => alarm.Properties.AlarmName,
    );
    expect(names).toContain('opsdesk-dev-AwsCustomResourceHandler-errors');
  });
});

describe('config variant: email to ticket, receiving off', () => {
  const { template, stack } = synthOpsdesk({
    stage: 'dev',
    emailDomain: 'desk.example.com',
    emailReceiving: false,
  });

  it('sends notifications but has no receipt rules, raw-mail bucket or ingest function', () => {
    template.resourceCountIs('AWS::SES::ReceiptRuleSet', 0);
    template.resourceCountIs('AWS::SES::ReceiptRule', 0);
    expect(stack.email?.rawMail).toBeUndefined();
    expect(stack.email?.ingest).toBeUndefined();
    // The notifier sends from the settings' support address (no MAIL_FROM of its own).
    const notifier = template.findResources('AWS::Lambda::Function')[logicalIdOf(stack.email!.notifier)];
    const settings = JSON.parse(notifier?.Properties.Environment.Variables.EMAIL_SETTINGS);
    expect(JSON.stringify(settings)).toContain('support@desk.example.com');
    expect(notifier?.Properties.Environment.Variables.MAIL_FROM).toBeUndefined();
  });
});

describe('config variant: no email domain', () => {
  it('has no mail path at all', () => {
    const { template, stack } = synthOpsdesk({ stage: 'dev' });
    expect(stack.email).toBeUndefined();
    template.resourceCountIs('AWS::SES::ReceiptRuleSet', 0);
  });
});
