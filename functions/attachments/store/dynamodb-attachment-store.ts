import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ATTACHMENT_PREFIX, attachmentKey } from '../../email/store/mail-keys.js';
import { withoutKeys } from '../../shared/dynamodb/keys.js';
import type { AttachmentRecord } from '../model.js';
import type { AttachmentStore } from './attachment-store.js';

/** A ticket's files (`TICKET#<id>` / `ATTACHMENT#<id>`), next to its comments and history. */
export class DynamoAttachmentRepository implements AttachmentStore {
  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async put(record: AttachmentRecord): Promise<void> {
    await this.dynamo.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...attachmentKey(record.ticketId, record.id), ...record },
      }),
    );
  }

  async get(ticketId: string, id: string): Promise<AttachmentRecord | undefined> {
    const out = await this.dynamo.send(
      new GetCommand({ TableName: this.tableName, Key: attachmentKey(ticketId, id) }),
    );
    return out.Item ? withoutKeys<AttachmentRecord>(out.Item) : undefined;
  }

  async list(ticketId: string, limit: number): Promise<AttachmentRecord[]> {
    const out = await this.dynamo.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': `TICKET#${ticketId}`, ':prefix': ATTACHMENT_PREFIX },
        Limit: limit,
      }),
    );
    return (out.Items ?? [])
      .map((item) => withoutKeys<AttachmentRecord>(item))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }
}
