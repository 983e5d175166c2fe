import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { CLOSURE_DETAIL_TYPES } from '../../functions/cmdb/closure-maintainer.js';
import { CMDB_CONSUMER_DETAIL_TYPES } from '../../functions/cmdb/closures.function.js';
import { DR_POSTURE_DETAIL_TYPES } from '../../functions/cmdb/dr-posture.js';
import { actionsOf, logicalIdOf, statementsOfRole, synthOpsdesk } from './synth.js';

describe('CMDB infrastructure', () => {
  const { template, stack } = synthOpsdesk({ stage: 'qa' });
  const closuresId = logicalIdOf(stack.cmdb.closures);
  const dlqId = logicalIdOf(stack.cmdb.deadLetterQueue);

  it('runs the closure and DR posture maintainers on CI events from the stack bus, with retries and a dead-letter queue', () => {
    // Every event either maintainer needs reaches the consumer.
    for (const type of [...CLOSURE_DETAIL_TYPES, ...DR_POSTURE_DETAIL_TYPES])
      expect(CMDB_CONSUMER_DETAIL_TYPES).toContain(type);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: logicalIdOf(stack.events.bus) },
      EventPattern: { source: ['opsdesk'], 'detail-type': [...CMDB_CONSUMER_DETAIL_TYPES] },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [closuresId, 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlqId, 'Arn'] } },
          RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 86400 },
        }),
      ],
    });
  });

  it('gives the maintainer item actions on the table only, Query on one index, and never Scan', () => {
    const statements = statementsOfRole(template, logicalIdOf(stack.cmdb.closures.role!));
    const dynamo = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
    const actions = dynamo.flatMap(actionsOf).sort();
    expect(actions).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    expect(JSON.stringify(dynamo.map((s) => s.Resource))).not.toContain('index/*');
  });

  it('routes every CMDB path to the cmdb function behind the JWT authorizer', () => {
    const integration = Object.entries(template.findResources('AWS::ApiGatewayV2::Integration')).find(
      ([, r]) => JSON.stringify(r.Properties.IntegrationUri).includes(logicalIdOf(stack.api.functions.cmdb)),
    );
    expect(integration).toBeDefined();
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).filter((r) =>
      JSON.stringify(r.Properties.Target).includes(integration![0]),
    );
    const keys = routes.map((r) => r.Properties.RouteKey as string).sort();
    expect(keys).toContain('DELETE /cis/{id}/relationships/{type}/{target}');
    expect(keys).toContain('POST /impact-analysis');
    // The disaster-recovery posture report is served where its data is kept.
    expect(keys).toContain('GET /reports/dr-posture');
    expect(keys).toHaveLength(17);
    for (const route of routes) expect(route.Properties.AuthorizationType).toBe('JWT');
  });

  it("tells the cmdb function the table's backup settings as the table is deployed", () => {
    const env = (id: string) =>
      template.findResources('AWS::Lambda::Function')[id]!.Properties.Environment.Variables as Record<
        string,
        string
      >;
    const table = Object.values(template.findResources('AWS::DynamoDB::Table'))[0]!.Properties;
    const cmdb = env(logicalIdOf(stack.api.functions.cmdb));
    expect(cmdb.TABLE_POINT_IN_TIME_RECOVERY).toBe(
      String(table.PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled),
    );
    expect(cmdb.TABLE_DELETION_PROTECTION).toBe(String(table.DeletionProtectionEnabled ?? false));
    // A production stage protects the table, and says so.
    const prod = synthOpsdesk({ stage: 'prod' });
    const prodEnv =
      prod.template.findResources('AWS::Lambda::Function')[logicalIdOf(prod.stack.api.functions.cmdb)]!
        .Properties.Environment.Variables;
    expect(prodEnv).toMatchObject({
      TABLE_POINT_IN_TIME_RECOVERY: 'true',
      TABLE_DELETION_PROTECTION: 'true',
    });
  });
});
