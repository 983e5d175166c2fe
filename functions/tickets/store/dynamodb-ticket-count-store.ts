import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { queryPage } from '../../shared/dynamodb/paging.js';
import { cancellationReasons, type TransactItem } from '../../shared/dynamodb/transactions.js';
import type { CountCell, CountDimension } from '../count-model.js';
import {
  type CountOutcome,
  cellId,
  cellOfId,
  countedKey,
  counterKey,
  countMoves,
  type TicketCountStore,
} from './ticket-count-store.js';

/** Attempts when another consumer moved the same marker between our read and our write. */
const MAX_ATTEMPTS = 5;
/** Buckets per dimension and scope are few (statuses, priorities) or bounded (groups, agents). */
const MAX_BUCKET_PAGES = 20;

export class DynamoTicketCountStore implements TicketCountStore {
  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async record(ticketId: string, version: number, cells: readonly CountCell[]): Promise<CountOutcome> {
    for (let attempt = 1; ; attempt++) {
      const out = await this.dynamo.send(
        new GetCommand({ TableName: this.tableName, Key: countedKey(ticketId), ConsistentRead: true }),
      );
      const marker = out.Item as { version: number; cells: string[] } | undefined;
      if (marker && marker.version >= version) return 'already';
      const moves = countMoves(marker?.cells ?? [], cells);
      if (moves.size === 0 && marker) return 'counted';
      const items: TransactItem[] = [
        {
          Put: {
            TableName: this.tableName,
            Item: { ...countedKey(ticketId), version, cells: cells.map(cellId) },
            ...(marker
              ? {
                  ConditionExpression: '#version = :read',
                  ExpressionAttributeNames: { '#version': 'version' },
                  ExpressionAttributeValues: { ':read': marker.version },
                }
              : { ConditionExpression: 'attribute_not_exists(PK)' }),
          },
        },
        ...[...moves].map(
          ([id, delta]): TransactItem => ({
            Update: {
              TableName: this.tableName,
              Key: counterKey(cellOfId(id)),
              UpdateExpression: 'ADD #count :delta',
              ExpressionAttributeNames: { '#count': 'count' },
              ExpressionAttributeValues: { ':delta': delta },
            },
          }),
        ),
      ];
      try {
        await this.dynamo.send(new TransactWriteCommand({ TransactItems: items }));
        return 'counted';
      } catch (error) {
        const reasons = cancellationReasons(error);
        const raced = reasons?.some(
          (r) => r.code === 'ConditionalCheckFailed' || r.code === 'TransactionConflict',
        );
        if (!raced || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  async read(scope: string, by: CountDimension): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    const prefix = `${by}#`;
    let startKey: Record<string, unknown> | undefined;
    for (let round = 0; round < MAX_BUCKET_PAGES; round++) {
      const page = await queryPage(
        this.dynamo,
        {
          TableName: this.tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
          ExpressionAttributeValues: { ':pk': counterKey({ scope, bucket: '' }).PK, ':prefix': prefix },
        },
        1000,
        startKey,
        (item) => item,
      );
      for (const item of page.items) counts[String(item.SK).slice(prefix.length)] = Number(item.count ?? 0);
      startKey = page.lastKey;
      if (!startKey) break;
    }
    return counts;
  }
}
