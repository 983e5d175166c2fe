import type { IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SEARCH_INDEXER_ENVIRONMENT } from '../functions/search/indexer.function.js';
import { INDEXED_DETAIL_TYPES } from '../functions/search/indexer.js';
import type { StackConfig } from './config.js';
import type { DataConstruct } from './data.js';
import { createEventConsumer } from './event-consumer.js';
import { environmentFor } from './lambda.js';

export interface SearchConstructProps {
  readonly config: StackConfig;
  readonly data: DataConstruct;
  readonly bus: IEventBus;
}

/**
 * Full-text search's background work (queries run in the tickets function): the indexer, on an
 * EventBridge rule for ticket and comment events. It re-reads the ticket and its comments and
 * rewrites the ticket's entries of the inverted index in the table (docs/search.md#indexing). No
 * search cluster: idle cost is the rule and an idle function. Re-indexing is whole and
 * version-guarded, so EventBridge's at-least-once delivery, retries and reordering are harmless.
 */
export class SearchConstruct extends Construct {
  readonly indexer: NodejsFunction;
  readonly indexRule: Rule;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: SearchConstructProps) {
    super(scope, id);
    const consumer = createEventConsumer(this, {
      ...props,
      functionId: 'Indexer',
      entryName: 'search-indexer',
      description: 'Opsdesk: keeps the full-text search index of tickets and comments',
      environment: environmentFor(SEARCH_INDEXER_ENVIRONMENT, { TABLE_NAME: props.data.table.tableName }),
      deadLetterQueueId: 'IndexerDlq',
      deadLetterReason:
        'This queue is itself the dead-letter destination of the search indexer; each message names a ' +
        'ticket event whose ticket an operator re-indexes by replaying it (re-indexing is idempotent).',
      // Reads the ticket and its doc (GetItem) and the ticket's comments (Query on the table);
      // writes postings (BatchWriteItem puts and deletes), frequencies and totals (UpdateItem ADD)
      // and the doc (PutItem, conditional on its version). No index is read.
      tableActions: [
        'dynamodb:GetItem',
        'dynamodb:Query',
        'dynamodb:BatchWriteItem',
        'dynamodb:UpdateItem',
        'dynamodb:PutItem',
      ],
      tableIndexes: [],
      rules: [
        {
          id: 'IndexRule',
          description: 'Ticket and comment events: the ticket’s searchable text may have changed',
          eventPattern: { source: ['opsdesk'], detailType: [...INDEXED_DETAIL_TYPES] },
        },
      ],
    });
    this.indexer = consumer.fn;
    this.indexRule = consumer.rules[0] as Rule;
    this.deadLetterQueue = consumer.deadLetterQueue;
  }
}
