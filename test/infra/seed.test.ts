import { describe, expect, it } from 'vitest';
import { actionsOf, logicalIdOf, statementsOfRole, synthOpsdesk } from './synth.js';

describe('default records seeding', () => {
  const { template, stack } = synthOpsdesk({ stage: 'dev' });
  const functions = template.findResources('AWS::Lambda::Function');
  const seedId = logicalIdOf(stack.seed.handler);
  const seeds = Object.values(template.findResources('Custom::OpsdeskSeed'));

  it('runs functions/seed/entry.ts through a custom resource on deploy', () => {
    expect(seeds).toHaveLength(1);
    const [frameworkId] = seeds[0]?.Properties.ServiceToken['Fn::GetAtt'] ?? [];
    expect(functions[frameworkId]?.Properties.Environment.Variables.USER_ON_EVENT_FUNCTION_ARN).toEqual({
      'Fn::GetAtt': [seedId, 'Arn'],
    });
  });

  it('runs again when the seed bundle changes', () => {
    expect(seeds[0]?.Properties).toMatchObject({
      TableName: { Ref: logicalIdOf(stack.data.table) },
      SeedCode: functions[seedId]?.Properties.Code.S3Key,
    });
    expect(seeds[0]?.Properties.SeedCode).toMatch(/^[0-9a-f]{64}\.zip$/);
  });

  it('gives the seed function the table name and item access', () => {
    expect(functions[seedId]?.Properties.Environment.Variables.TABLE_NAME).toEqual({
      Ref: logicalIdOf(stack.data.table),
    });
    const actions = statementsOfRole(template, logicalIdOf(stack.seed.handler.role!)).flatMap(actionsOf);
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:GetItem']));
    expect(actions).not.toContain('dynamodb:Scan');
  });
});
