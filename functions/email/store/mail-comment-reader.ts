import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { withoutKeys } from '../../shared/dynamodb/keys.js';
import type { Comment } from '../../tickets/model.js';
import { commentKey } from '../../tickets/store/ticket-keys.js';
import type { CommentReader } from './ports.js';

/** One comment by its key parts: a notification reads the comment its event names. */
export class DynamoCommentReader implements CommentReader {
  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(ticketId: string, createdAt: string, commentId: string): Promise<Comment | undefined> {
    const out = await this.dynamo.send(
      new GetCommand({
        TableName: this.tableName,
        Key: commentKey(ticketId, createdAt, commentId),
        ConsistentRead: true,
      }),
    );
    return out.Item ? withoutKeys<Comment>(out.Item) : undefined;
  }
}
