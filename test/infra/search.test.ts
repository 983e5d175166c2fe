import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { INDEXED_DETAIL_TYPES } from '../../functions/search/indexer.js';
import { actionsOf, logicalIdOf, statementsOfRole, synthOpsdesk } from './synth.js';

describe('search infrastructure', () => {
  const { template, stack } = synthOpsdesk({ stage: 'qa' });
  const indexerId = logicalIdOf(stack.search.indexer);
  const dlqId = logicalIdOf(stack.search.deadLetterQueue);

  it('runs the indexer on ticket and comment events from the stack bus, with retries and a dead-letter queue', () => {
    expect([...INDEXED_DETAIL_TYPES]).toEqual(['Ticket Created', 'Ticket Updated', 'Comment Added']);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: logicalIdOf(stack.events.bus) },
      EventPattern: { source: ['opsdesk'], 'detail-type': [...INDEXED_DETAIL_TYPES] },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [indexerId, 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlqId, 'Arn'] } },
          RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 86400 },
        }),
      ],
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: indexerId },
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [dlqId, 'Arn'] } } },
    });
  });

  it('gives the indexer item actions on the table only, no index, never Scan', () => {
    const statements = statementsOfRole(template, logicalIdOf(stack.search.indexer.role!));
    const dynamo = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
    expect(dynamo.flatMap(actionsOf).sort()).toEqual([
      'dynamodb:BatchWriteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    expect(JSON.stringify(dynamo.map((s) => s.Resource))).not.toContain('index/');
  });

  it('adds no always-on search cluster', () => {
    expect(Object.keys(template.findResources('AWS::OpenSearchServerless::Collection'))).toEqual([]);
    expect(Object.keys(template.findResources('AWS::OpenSearchService::Domain'))).toEqual([]);
  });
});
