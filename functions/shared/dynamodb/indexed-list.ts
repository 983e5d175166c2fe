import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Page, PageRequest } from '../store.js';
import { withoutKeys } from './keys.js';
import { queryPage } from './paging.js';
import { INDEXES, type IndexName } from './table-definition.js';

export interface IndexedListOptions<T> {
  /** The filters the chosen index did not apply. */
  readonly matches: (record: T) => boolean;
  /** On `byCi`, the attribute of the membership item naming the record. */
  readonly membershipId: string;
  /** One batch read of the records that membership items name, in order. */
  readonly getMany: (ids: readonly string[]) => Promise<T[]>;
}

/**
 * A list page from one index partition, newest first, narrowed by the remaining filters. Records
 * are projected into every index but `byCi`, whose membership items only name the record: those
 * are read in one batch and then narrowed. Tickets and changes list the same way.
 */
export async function listFromIndex<T>(
  dynamo: DynamoDBDocumentClient,
  tableName: string,
  target: { index: IndexName; value: string },
  page: PageRequest,
  options: IndexedListOptions<T>,
): Promise<Page<T>> {
  const definition = INDEXES[target.index];
  const base = {
    TableName: tableName,
    IndexName: definition.name,
    KeyConditionExpression: '#pk = :pk',
    ExpressionAttributeNames: { '#pk': definition.partitionKey },
    ExpressionAttributeValues: { ':pk': target.value },
    ScanIndexForward: false,
  };
  if (target.index !== 'byCi') {
    return queryPage(dynamo, base, page.limit, page.startKey, (item) => {
      const record = withoutKeys<T>(item);
      return options.matches(record) ? record : undefined;
    });
  }
  const memberships = await queryPage(
    dynamo,
    base,
    page.limit,
    page.startKey,
    (item) => item[options.membershipId] as string,
  );
  const records = await options.getMany(memberships.items);
  return { ...memberships, items: records.filter(options.matches) };
}

/** Every record of one kind (`byKind` partition), in `listSk` order: groups, freeze windows, ... */
export function listKind<T>(
  dynamo: DynamoDBDocumentClient,
  tableName: string,
  kind: string,
  page: PageRequest,
): Promise<Page<T>> {
  return queryPage(
    dynamo,
    {
      TableName: tableName,
      IndexName: INDEXES.byKind.name,
      KeyConditionExpression: '#pk = :kind',
      ExpressionAttributeNames: { '#pk': INDEXES.byKind.partitionKey },
      ExpressionAttributeValues: { ':kind': kind },
    },
    page.limit,
    page.startKey,
    (item) => withoutKeys<T>(item),
  );
}
