import { describe, expect, it } from 'vitest';
import {
  type CloudFormationTemplate,
  definitionFromTemplate,
  LOCAL_TASK_FUNCTION_NAME,
  resolveTokens,
} from '../../bin/local/workflow-definition.js';
import { loadChangeWorkflowDefinition } from '../../bin/local/workflow-definition-cache.js';
import { buildApp } from '../../lib/app.js';

const template: CloudFormationTemplate = {
  Resources: {
    Fn1: {
      Type: 'AWS::Lambda::Function',
      Metadata: { 'aws:cdk:path': 'Opsdesk-dev/Changes/TaskFunction/Resource' },
    },
    Table1: { Type: 'AWS::DynamoDB::Table' },
    Machine: {
      Type: 'AWS::StepFunctions::StateMachine',
      Properties: {
        DefinitionString: {
          'Fn::Join': [
            '',
            [
              '{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:',
              { Ref: 'AWS::Partition' },
              ':states:::lambda:invoke","Parameters":{"FunctionName":"',
              { 'Fn::GetAtt': ['Fn1', 'Arn'] },
              '"},"End":true}}}',
            ],
          ],
        },
      },
    },
  },
};

describe('the local change workflow definition', () => {
  it('resolves the synthesised tokens to local names', () => {
    const definition = definitionFromTemplate(template);
    expect(definition.States.A).toEqual({
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: {
        FunctionName: `arn:aws:lambda:us-east-1:000000000000:function:${LOCAL_TASK_FUNCTION_NAME}`,
      },
      End: true,
    });
  });

  it.each([
    [{ Ref: 'SomeBucket' }, /no local value for Ref SomeBucket/],
    [{ 'Fn::GetAtt': ['Table1', 'Arn'] }, /no local value for Fn::GetAtt Table1.Arn/],
    [{ 'Fn::Sub': 'arn:aws:states:::lambda' }, /no local resolution for Fn::Sub/],
  ])('refuses a token it cannot resolve locally: %j', (token, message) => {
    expect(() => resolveTokens({ Key: [token] }, template, 'Machine')).toThrow(message);
  });

  it('needs exactly one state machine', () => {
    const none = { Resources: { Fn1: template.Resources.Fn1! } };
    expect(() => definitionFromTemplate(none)).toThrow(/expected one state machine in the template, found 0/);
  });

  it('is exactly the one `cdk synth` produces (through the cache and the child process)', async () => {
    const { app, stack } = buildApp({
      context: { 'aws:cdk:enable-path-metadata': true },
      skipBundling: true,
      builtinCloudFormationValidation: false,
    });
    const synthesised = app.synth().getStackByName(stack.stackName).template as CloudFormationTemplate;
    expect(await loadChangeWorkflowDefinition()).toEqual(definitionFromTemplate(synthesised));
  }, 120_000);
});
