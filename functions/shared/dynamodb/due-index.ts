import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Page, PageRequest } from '../store.js';
import { queryPage } from './paging.js';
import { INDEXES } from './table-definition.js';

/**
 * The sweeper's due index: one sparse GSI every timer shares (SLA deadlines, warranty notices,
 * approval escalations, flap quiet times, survey expiry…). A timer is a partition of its own; an
 * item is due at `<dueAt>#<id>`, so one Query `sk <= until` finds what is due and nothing else,
 * whatever the table holds. An item leaves the index when a write drops these two attributes.
 */
export function dueIndexKeys(partition: string, dueAt: string, id: string): Record<string, string> {
  const index = INDEXES.bySlaDeadline;
  return { [index.partitionKey]: partition, [index.sortKey]: `${dueAt}#${id}` };
}

/** One page of a timer partition's items due at or before `until` (`~` sorts after every `#<id>`). */
export function queryDue<T>(
  dynamo: DynamoDBDocumentClient,
  tableName: string,
  partition: string,
  until: string,
  page: PageRequest,
  convert: (item: Record<string, unknown>) => T | undefined,
): Promise<Page<T>> {
  const index = INDEXES.bySlaDeadline;
  return queryPage(
    dynamo,
    {
      TableName: tableName,
      IndexName: index.name,
      KeyConditionExpression: '#pk = :pk AND #sk <= :until',
      ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey },
      ExpressionAttributeValues: { ':pk': partition, ':until': `${until}#~` },
    },
    page.limit,
    page.startKey,
    convert,
  );
}
