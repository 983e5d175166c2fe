import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import {
  INDEXES,
  keyAttributeNames,
  TABLE_KEYS,
  TTL_ATTRIBUTE,
} from '../../functions/shared/dynamodb/table-definition.js';
import { synthOpsdesk } from './synth.js';

describe('the single table', () => {
  const { template } = synthOpsdesk({ stage: 'dev' });

  it('is the only table, keyed PK/SK', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
      ],
    });
  });

  it('declares every key attribute of the table definition as a string, and nothing else', () => {
    const [table] = Object.values(template.findResources('AWS::DynamoDB::Table'));
    const definitions = table?.Properties.AttributeDefinitions as {
      AttributeName: string;
      AttributeType: string;
    }[];
    expect(definitions.map((d) => d.AttributeName).sort()).toEqual(keyAttributeNames().sort());
    expect(new Set(definitions.map((d) => d.AttributeType))).toEqual(new Set(['S']));
  });

  it('has exactly the GSIs of INDEXES, with their keys, projecting all attributes', () => {
    const [table] = Object.values(template.findResources('AWS::DynamoDB::Table'));
    const indexes = table?.Properties.GlobalSecondaryIndexes as unknown[];
    expect(indexes).toHaveLength(Object.keys(INDEXES).length);
    for (const index of Object.values(INDEXES)) {
      expect(indexes).toContainEqual({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      });
    }
  });

  it('is on-demand, recoverable, streamed, expiring and encrypted with the AWS-managed key', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
      // SSEEnabled true without a key id means the aws/dynamodb KMS key.
      SSESpecification: { SSEEnabled: true, KMSMasterKeyId: Match.absent() },
      ProvisionedThroughput: Match.absent(),
    });
  });

  it('can be deleted with a dev stack', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
      Properties: Match.objectLike({ DeletionProtectionEnabled: false }),
    });
  });

  it('survives stack deletion and refuses deletion in production', () => {
    const prod = synthOpsdesk({ stage: 'prod' }).template;
    prod.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
    });
  });

  it('follows the production flag, not the stage name', () => {
    const staging = synthOpsdesk({ stage: 'staging', production: true }).template;
    staging.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain' });
    const prodAsDev = synthOpsdesk({ stage: 'prod', production: false }).template;
    prodAsDev.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' });
  });
});
