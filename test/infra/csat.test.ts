import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ROUTES, routeKey } from '../../functions/shared/http/routes.js';
import { actionsOf, logicalIdOf, statementsOfRole, synthOpsdesk } from './synth.js';

const ITEM_ACTIONS = ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'];

describe('CSAT infrastructure', () => {
  const mailing = synthOpsdesk({ stage: 'qa', emailDomain: 'desk.example.com' });
  const silent = synthOpsdesk({ stage: 'qa' });

  const dynamoStatements = (built: typeof mailing, role: Parameters<typeof logicalIdOf>[0]) =>
    statementsOfRole(built.template, logicalIdOf(role)).filter((s) =>
      actionsOf(s).some((a) => a.startsWith('dynamodb:')),
    );

  it('serves the survey links outside the JWT authorizer, throttled to 5 requests/s (burst 10)', () => {
    const { template } = mailing;
    const surveyRoutes = ROUTES.filter((route) => route.path.startsWith('/surveys/')).map(routeKey);
    expect(surveyRoutes.sort()).toEqual(['GET /surveys/{token}', 'POST /surveys/{token}']);
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route'));
    for (const key of surveyRoutes) {
      const route = routes.find((r) => r.Properties.RouteKey === key);
      expect(route?.Properties.AuthorizationType ?? 'NONE').toBe('NONE');
    }
    for (const key of ['GET /settings/csat', 'PUT /settings/csat', 'POST /tickets/{id}/feedback']) {
      expect(routes.find((r) => r.Properties.RouteKey === key)?.Properties.AuthorizationType).toBe('JWT');
    }
    const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0]!;
    for (const key of surveyRoutes) {
      expect(stage.Properties.RouteSettings[key]).toEqual({
        ThrottlingRateLimit: 5,
        ThrottlingBurstLimit: 10,
      });
    }
  });

  it('gives the csat API function items by key only: no index, no Scan, no mail, no cursor secret', () => {
    const { template, stack } = mailing;
    const statements = statementsOfRole(template, logicalIdOf(stack.api.functions.csat.role!));
    const dynamo = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
    expect(dynamo.flatMap(actionsOf).sort()).toEqual(ITEM_ACTIONS);
    expect(JSON.stringify(dynamo.map((s) => s.Resource))).not.toContain('index/');
    expect(statements.flatMap(actionsOf)).not.toContain('ses:SendEmail');
    expect(statements.flatMap(actionsOf)).not.toContain('secretsmanager:GetSecretValue');
  });

  it('runs the consumer on resolutions and reopens from the stack bus, and every minute', () => {
    const { template, stack } = mailing;
    const consumerId = logicalIdOf(stack.csat.consumer);
    const dlqId = logicalIdOf(stack.csat.deadLetterQueue);
    const target = Match.objectLike({
      Arn: { 'Fn::GetAtt': [consumerId, 'Arn'] },
      DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlqId, 'Arn'] } },
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: logicalIdOf(stack.events.bus) },
      EventPattern: {
        source: ['opsdesk'],
        'detail-type': ['Ticket Status Changed'],
        detail: { to: ['resolved'] },
      },
      Targets: [target],
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: logicalIdOf(stack.events.bus) },
      EventPattern: {
        source: ['opsdesk'],
        'detail-type': ['Ticket Status Changed'],
        detail: { from: ['resolved'], to: [{ 'anything-but': ['closed'] }] },
      },
      Targets: [target],
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [consumerId, 'Arn'] } })],
    });
    const variables =
      template.findResources('AWS::Lambda::Function')[consumerId]?.Properties.Environment.Variables;
    expect(JSON.parse(variables.EMAIL_SETTINGS).domain).toBe('desk.example.com');
    expect(JSON.stringify(variables.API_BASE_URL)).toContain(logicalIdOf(stack.api.httpApi));
  });

  it('lets the consumer read the due index only, and send mail only as the support address', () => {
    const { template, stack } = mailing;
    const dynamo = dynamoStatements(mailing, stack.csat.consumer.role!);
    const onTable = dynamo.filter((s) => !JSON.stringify(s.Resource).includes('index/'));
    expect(onTable.flatMap(actionsOf).sort()).toEqual(ITEM_ACTIONS);
    const onIndexes = dynamo.filter((s) => JSON.stringify(s.Resource).includes('index/'));
    expect(onIndexes.flatMap(actionsOf)).toEqual(['dynamodb:Query']);
    expect(JSON.stringify(onIndexes.map((s) => s.Resource))).toContain('index/bySlaDeadline');
    expect(JSON.stringify(onIndexes.map((s) => s.Resource)).match(/index\//g)).toHaveLength(1);
    const ses = statementsOfRole(template, logicalIdOf(stack.csat.consumer.role!)).filter((s) =>
      actionsOf(s).includes('ses:SendEmail'),
    );
    expect(ses).toHaveLength(1);
    expect(ses[0]).toMatchObject({
      Condition: { StringEquals: { 'ses:FromAddress': 'support@desk.example.com' } },
    });
  });

  it('without an email domain, issues surveys but may send no mail', () => {
    const { template, stack } = silent;
    const statements = statementsOfRole(template, logicalIdOf(stack.csat.consumer.role!));
    expect(statements.flatMap(actionsOf)).not.toContain('ses:SendEmail');
    const variables =
      template.findResources('AWS::Lambda::Function')[logicalIdOf(stack.csat.consumer)]?.Properties
        .Environment.Variables;
    expect(variables.EMAIL_SETTINGS ?? '').toBe('');
  });
});
