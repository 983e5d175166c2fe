import { RemovalPolicy } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { TABLE_DEFINITION } from '../functions/shared/dynamodb/table-definition.js';
import type { StackConfig } from './config.js';

/**
 * Item actions the HTTP functions use. Deliberately no `dynamodb:Scan`: no request path scans
 * (docs/architecture.md#the-table), and leaving it out of the policy makes that rule enforced rather than hoped for.
 * Transactions need no actions of their own: DynamoDB authorises each of their parts.
 */
const REQUEST_PATH_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:ConditionCheckItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:DescribeTable',
];

export interface DataConstructProps {
  readonly config: StackConfig;
}

/** The single table, built from the same definition the local runtime creates. */
export class DataConstruct extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: DataConstructProps) {
    super(scope, id);
    const { production } = props.config;
    const backup = tableBackupOf(props.config);
    const { keys, indexes, ttlAttribute, streamView } = TABLE_DEFINITION;

    // `Table` (AWS::DynamoDB::Table) rather than TableV2 (a global table): Opsdesk is deployed per
    // account and region, and cdk-nag's point-in-time-recovery rule inspects AWS::DynamoDB::Table.
    this.table = new Table(this, 'Table', {
      // Unset, CloudFormation names it; config `tableName` rolls the stack onto a new table (restore).
      tableName: props.config.tableName,
      partitionKey: { name: keys.partitionKey, type: AttributeType.STRING },
      sortKey: { name: keys.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: backup.pointInTimeRecovery },
      stream: StreamViewType[streamView],
      timeToLiveAttribute: ttlAttribute,
      // AWS-managed key (aws/dynamodb): key use shows in CloudTrail, unlike the default AWS-owned
      // key, without a customer key's monthly cost, key policy to maintain, and the risk that a
      // disabled or deleted key makes the table (and its PITR backups) unreadable.
      encryption: TableEncryption.AWS_MANAGED,
      deletionProtection: backup.deletionProtection,
      removalPolicy: production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    for (const index of indexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        // List queries return whole records; projecting everything avoids a GetItem per row.
        projectionType: ProjectionType.ALL,
      });
    }
  }

  /**
   * Read/write access for request handlers: item actions on the table, Query on each index by
   * name. Hand-written instead of `grantReadWriteData` to leave out Scan and the `index/*` wildcard.
   */
  /** Just these item actions on the table, and Query on just these indexes (by name). */
  grantItemAccess(grantee: IGrantable, actions: readonly string[], indexNames: readonly string[]): void {
    Grant.addToPrincipal({ grantee, actions: [...actions], resourceArns: [this.table.tableArn] });
    if (indexNames.length === 0) return;
    Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:Query'],
      resourceArns: indexNames.map((name) => `${this.table.tableArn}/index/${name}`),
    });
  }

  grantRequestPathAccess(grantee: IGrantable): void {
    Grant.addToPrincipal({ grantee, actions: REQUEST_PATH_ACTIONS, resourceArns: [this.table.tableArn] });
    Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:Query'],
      resourceArns: TABLE_DEFINITION.indexes.map((index) => `${this.table.tableArn}/index/${index.name}`),
    });
  }
}

/**
 * The table's backup settings (§1: point-in-time recovery always, deletion protection in production
 * stages): what the table is created with, and what GET /reports/dr-posture reports (lib/api.ts
 * passes them to the cmdb function), from one place so the two cannot disagree.
 */
export function tableBackupOf(config: Pick<StackConfig, 'production'>): {
  readonly pointInTimeRecovery: boolean;
  readonly deletionProtection: boolean;
} {
  return { pointInTimeRecovery: true, deletionProtection: config.production };
}
