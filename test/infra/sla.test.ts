import { describe, expect, it } from 'vitest';
import { INDEXES } from '../../functions/shared/dynamodb/table-definition.js';
import { actionsOf, logicalIdOf, statementsOfRole, synthOpsdesk } from './synth.js';

describe('SLA sweeper infrastructure', () => {
  const { template, stack } = synthOpsdesk({ stage: 'qa' });
  const sweeperId = logicalIdOf(stack.sla.sweeper);
  const statements = statementsOfRole(template, logicalIdOf(stack.sla.sweeper.role!));
  const dynamo = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));

  it('runs the sweeper every minute, with retries and a dead-letter queue', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Targets: [
        {
          Arn: { 'Fn::GetAtt': [sweeperId, 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 120 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalIdOf(stack.sla.deadLetterQueue), 'Arn'] } },
        },
      ],
    });
  });

  it('declares the sparse deadline index on the table', () => {
    const table = template.findResources('AWS::DynamoDB::Table')[logicalIdOf(stack.data.table)]!;
    const index = table.Properties.GlobalSecondaryIndexes.find(
      (gsi: { IndexName: string }) => gsi.IndexName === INDEXES.bySlaDeadline.name,
    );
    expect(index.KeySchema).toEqual([
      { AttributeName: 'slaPk', KeyType: 'HASH' },
      { AttributeName: 'slaSk', KeyType: 'RANGE' },
    ]);
  });

  it('gives the sweeper only the item actions of its due work and Query on the deadline index', () => {
    // Tickets and history (Get, Put), due warranty CIs (BatchGet) and their markers (Delete).
    const actions = dynamo.flatMap(actionsOf).sort();
    expect(actions).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:Query',
    ]);
    const resources = JSON.stringify(dynamo.map((s) => s.Resource));
    expect(resources).toContain(`/index/${INDEXES.bySlaDeadline.name}`);
    expect(resources).not.toContain('/index/byKind');
    expect(resources).not.toContain('index/*');
    expect(actions).not.toContain('dynamodb:Scan');
  });

  it('sends no mail itself, even with the mail path: no ses:* permission, no MAIL_FROM', () => {
    // Its notices are `SLA Notice Due` events the email notifier mails (lib/email.ts routes them).
    const withMail = synthOpsdesk({ stage: 'qa', emailDomain: 'desk.example.com' });
    const role = logicalIdOf(withMail.stack.sla.sweeper.role!);
    const actions = statementsOfRole(withMail.template, role).flatMap(actionsOf);
    expect(actions.filter((a) => a.startsWith('ses:'))).toEqual([]);
    const fn =
      withMail.template.findResources('AWS::Lambda::Function')[logicalIdOf(withMail.stack.sla.sweeper)]!;
    expect(Object.keys(fn.Properties.Environment.Variables)).not.toContain('MAIL_FROM');
  });

  it('finishes a sweep well within its minute', () => {
    const fn = template.findResources('AWS::Lambda::Function')[sweeperId]!;
    expect(fn.Properties.Timeout).toBeLessThan(60);
    expect(fn.Properties.Environment.Variables.TABLE_NAME).toEqual({ Ref: logicalIdOf(stack.data.table) });
  });
});
