import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { StaleWriteError } from '../store.js';

/**
 * Puts a versioned record: creates it when `expectedVersion` is 0 (and it does not exist), else
 * replaces exactly that version. A lost race is a StaleWriteError naming the current version.
 */
export async function versionedPut(
  dynamo: DynamoDBDocumentClient,
  tableName: string,
  item: Record<string, unknown> & { id: string },
  expectedVersion: number,
): Promise<void> {
  try {
    await dynamo.send(
      new PutCommand({
        TableName: tableName,
        Item: item,
        ...(expectedVersion === 0
          ? { ConditionExpression: 'attribute_not_exists(PK)' }
          : {
              ConditionExpression: '#version = :expected',
              ExpressionAttributeNames: { '#version': 'version' },
              ExpressionAttributeValues: { ':expected': expectedVersion },
            }),
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) {
      const current = error.Item?.version?.N;
      throw new StaleWriteError(item.id, current === undefined ? undefined : Number(current));
    }
    throw error;
  }
}
