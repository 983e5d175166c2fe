import { Match } from 'aws-cdk-lib/assertions';
import type { CfnStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { describe, expect, it } from 'vitest';
import { ALARM_DETAIL_TYPES } from '../../lib/alerts.js';
import { actionsOf, logicalIdOf, statementsOfRole, synthOpsdesk } from './synth.js';

describe('alerts infrastructure', () => {
  const { template, stack } = synthOpsdesk({ stage: 'qa' });
  const intakeId = logicalIdOf(stack.api.functions.alerts);
  const dlqId = logicalIdOf(stack.alerts.deadLetterQueue);

  it('sends CloudWatch alarm events of the DEFAULT bus straight to the intake function, with retries and a DLQ', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: 'default',
      EventPattern: { source: ['aws.cloudwatch'], 'detail-type': [...ALARM_DETAIL_TYPES] },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [intakeId, 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlqId, 'Arn'] } },
          RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 86400 },
        }),
      ],
    });
    // Only the rule may invoke it from EventBridge.
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [intakeId, 'Arn'] },
      SourceArn: { 'Fn::GetAtt': [logicalIdOf(stack.alerts.alarmRule), 'Arn'] },
    });
  });

  it('throttles each intake route to 20 req/s, burst 50; the other public routes stay lower', () => {
    const settings = (stack.api.stage.node.defaultChild as CfnStage).routeSettings as Record<string, unknown>;
    expect(settings['POST /alerts/{integrationId}']).toEqual({
      ThrottlingRateLimit: 20,
      ThrottlingBurstLimit: 50,
    });
    expect(settings['POST /alerts/v2/enqueue']).toEqual({
      ThrottlingRateLimit: 20,
      ThrottlingBurstLimit: 50,
    });
    expect(settings['GET /health']).toEqual({ ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 });
  });

  it('intake routes have no JWT authorizer; the integrations admin routes do', () => {
    const routes = template.findResources('AWS::ApiGatewayV2::Route');
    const byKey = Object.fromEntries(
      Object.values(routes).map((r) => [r.Properties.RouteKey, r.Properties.AuthorizationType ?? 'NONE']),
    );
    expect(byKey['POST /alerts/{integrationId}']).toBe('NONE');
    expect(byKey['POST /alerts/v2/enqueue']).toBe('NONE');
    expect(byKey['PUT /integrations/{id}']).toBe('JWT');
  });

  it('the intake function gets item actions on the table and never Scan', () => {
    const statements = statementsOfRole(template, logicalIdOf(stack.api.functions.alerts.role!));
    const actions = statements.flatMap(actionsOf);
    expect(actions).toEqual(
      expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query']),
    );
    expect(actions).not.toContain('dynamodb:Scan');
    expect(actions.filter((a) => a === 'dynamodb:*')).toEqual([]);
  });

  it('HMAC keys are sealed by a KMS key of their own: rotation on, Encrypt and Decrypt for the alerts function only', () => {
    const keyId = logicalIdOf(stack.alerts.secretsKey);
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    const kmsStatements = (roleId: string) =>
      statementsOfRole(template, roleId).filter((statement) =>
        actionsOf(statement).some((a) => a.startsWith('kms:')),
      );
    const granted = kmsStatements(logicalIdOf(stack.api.functions.alerts.role!));
    expect(granted.flatMap(actionsOf).sort()).toEqual(['kms:Decrypt', 'kms:Encrypt']);
    expect(
      granted.every(
        (statement) =>
          JSON.stringify(statement.Resource) === JSON.stringify({ 'Fn::GetAtt': [keyId, 'Arn'] }),
      ),
    ).toBe(true);
    // No other role of the stack may use the key.
    const roles = Object.keys(template.findResources('AWS::IAM::Role'));
    const others = roles
      .filter((roleId) => roleId !== logicalIdOf(stack.api.functions.alerts.role!))
      .filter((roleId) => JSON.stringify(kmsStatements(roleId)).includes(keyId));
    expect(others).toEqual([]);
    const variables =
      template.findResources('AWS::Lambda::Function')[intakeId]!.Properties.Environment.Variables;
    expect(variables.ALERTS_KEY_ARN).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
  });
});
